import type { JsonObject } from '../../kit/protocol.js';

/**
 * A stream's cursors as this connector writes them, pure: the approval codes
 * that share a cursor form one group, each code in plain text, oldest cursor
 * first and codes sorted, so equal cursors give equal states:
 *   {"cursor_groups": [{"created_before": "<ISO>", "approval_codes": ["A", "B"]}]}
 * A person reads which code has which cursor, and rewinds one in Airbyte's
 * state editor by adding a group with an earlier cursor that names it: a code
 * named in two groups takes the earlier cursor (re-reading, never skipping).
 * A code costs its own length plus 3 bytes (39 for Feishu's 36-character
 * codes); the cursors of one sync share a few values (codes move window by
 * window from the same start), so there are few groups. STATE pacing
 * (streams/pacing.ts) keeps the bytes per minute bounded at any size.
 * Older shapes are read by migrations.ts alone.
 */

/** Each approval code's cursor (ms), the end of the last window whose records were all emitted. */
export type PartitionCursors = Map<string, number>;

export const CURSOR_FIELD = 'created_before';
export const GROUPS_KEY = 'cursor_groups';
const CODES_KEY = 'approval_codes';

/** What a state must look like, for the messages that refuse another shape. */
export const EXPECTED_STATE_SHAPE =
  `per-stream STATE messages: [{"type":"STREAM","stream":{"stream_descriptor":{"name":"<stream>"},` +
  `"stream_state":{"${GROUPS_KEY}":[{"${CURSOR_FIELD}":"<ISO date-time>","${CODES_KEY}":["<approval code>"]}]}}}]`;

/** Why a state blob could not be read; the caller names the stream and the expected shape. */
export class MalformedCursors extends Error {}

/** The state field that holds `cursors`. */
export function encodeCursors(cursors: PartitionCursors): JsonObject {
  const byCursor = new Map<number, string[]>();
  for (const [code, ms] of cursors) {
    const group = byCursor.get(ms);
    if (group) group.push(code);
    else byCursor.set(ms, [code]);
  }
  const groups = [...byCursor.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ms, codes]) => ({ [CURSOR_FIELD]: new Date(ms).toISOString(), [CODES_KEY]: codes.sort(byCodeUnits) }));
  return { [GROUPS_KEY]: groups };
}

/** The cursors in a `cursor_groups` field; every code named is kept, configured or not. */
export function decodeCursorGroups(groups: unknown): PartitionCursors {
  if (!Array.isArray(groups)) throw new MalformedCursors(`stream_state.${GROUPS_KEY} must be an array`);
  const cursors: PartitionCursors = new Map();
  groups.forEach((group: unknown, i) => {
    const ms = isoMs((group as JsonObject | null)?.[CURSOR_FIELD]);
    const codes = (group as JsonObject | null)?.[CODES_KEY];
    if (ms === undefined || !Array.isArray(codes) || !codes.every((code) => typeof code === 'string' && code !== '')) {
      throw new MalformedCursors(
        `${GROUPS_KEY}[${i}] needs an ISO date-time ${CURSOR_FIELD} and ${CODES_KEY}, an array of approval codes`,
      );
    }
    for (const code of codes as string[]) setEarliest(cursors, code, ms);
  });
  return cursors;
}

/** Sets `code`'s cursor, keeping the earlier one when it has one already: a state that names a code twice re-reads rather than skips. */
export function setEarliest(cursors: PartitionCursors, code: string, ms: number): void {
  const known = cursors.get(code);
  cursors.set(code, known === undefined ? ms : Math.min(known, ms));
}

/** The epoch ms of an ISO date-time string; undefined for anything else. */
export function isoMs(value: unknown): number | undefined {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** Plain code-unit order, the same in every locale. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
