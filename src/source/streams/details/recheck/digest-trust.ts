import type { JsonObject } from '../../../../kit/protocol.js';
import type { PartitionCursors } from '../../../state/stream-state.js';
import { DIGEST_KEY, DIGEST_VERSION, readDigest } from './digest-state.js';

/** The status digest versions this connector reads (digest-state.ts): 1 and 2 (older releases) up to the one it writes. */
export const KNOWN_DIGEST_VERSIONS: readonly number[] = [1, 2, DIGEST_VERSION];

/**
 * How far a saved state's status digest can be trusted, so that a digest that cannot be read
 * never silently becomes a fresh baseline (which would absorb every change since the last sync):
 * - `absent`: no digest at all (a state from before it, or written with re-checking off): the
 *   query's statuses become the baseline, as documented, and the INFO line says so;
 * - `unknown-version`: written by another version of the connector (a downgrade): the field is
 *   kept as it was in every STATE, so the version that wrote it compares against it again; this
 *   sync only re-fetches the PENDING instances, with a WARN;
 * - `read`: readable; `unreadable` lists the codes that have a cursor (so their digest was
 *   written) but no readable partition: every instance the query reports for them is fetched
 *   again (the digest is rebuilt from those fetches), with a WARN.
 */
export type DigestTrust =
  | { kind: 'absent' }
  | { kind: 'unknown-version'; version: number; field: unknown }
  | { kind: 'read'; unreadable: string[] };

export function assessDigest(
  blob: JsonObject | undefined,
  codes: readonly string[],
  saved: PartitionCursors,
): DigestTrust {
  const field = blob?.[DIGEST_KEY];
  if (field === undefined || field === null) return { kind: 'absent' };
  const version = typeof field === 'object' && !Array.isArray(field) ? (field as JsonObject)['version'] : undefined;
  if (typeof version === 'number' && !KNOWN_DIGEST_VERSIONS.includes(version))
    return { kind: 'unknown-version', version, field };
  const digest = readDigest(blob, codes);
  return { kind: 'read', unreadable: codes.filter((code) => saved.has(code) && !digest.has(code)) };
}
