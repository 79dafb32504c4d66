/** Picks what a run's Airbyte messages hold: records, states, the last state, its cursors. */
import type { AirbyteMessage, AirbyteRecordMessage, AirbyteStateMessage } from '../src/kit/protocol.js';
import { decodeCursors } from '../src/source/state/stream-state.js';

export function records(messages: AirbyteMessage[], stream?: string): AirbyteRecordMessage[] {
  return messages.flatMap((m) => (m.type === 'RECORD' && (!stream || m.record.stream === stream) ? [m.record] : []));
}

export function states(messages: AirbyteMessage[], stream?: string): AirbyteStateMessage[] {
  return messages.flatMap((m) =>
    m.type === 'STATE' && (!stream || m.state.stream?.stream_descriptor.name === stream) ? [m.state] : [],
  );
}

export function traces(messages: AirbyteMessage[], type?: string) {
  return messages.flatMap((m) => (m.type === 'TRACE' && (!type || m.trace.type === type) ? [m.trace] : []));
}

export function logs(messages: AirbyteMessage[]) {
  return messages.flatMap((m) => (m.type === 'LOG' ? [m.log] : []));
}

export function instanceCodes(messages: AirbyteMessage[], stream?: string): string[] {
  return records(messages, stream).map((r) => r.data['instance_code'] as string);
}

/** The last STATE (of `stream`, when given): where the platform resumes. */
export function lastState(messages: AirbyteMessage[], stream?: string): AirbyteStateMessage | undefined {
  return states(messages, stream).at(-1);
}

/** The messages up to and including the last STATE: what the platform keeps of a killed sync. */
export function committedPrefix(messages: AirbyteMessage[]): AirbyteMessage[] {
  return messages.slice(0, messages.map((m) => m.type).lastIndexOf('STATE') + 1);
}

/**
 * The created_before cursor of every approval code in a state, any shape;
 * a hashed state names only the `codes` given.
 */
export function cursors(state: AirbyteStateMessage | undefined, codes: readonly string[] = []): Record<string, string> {
  const blob = state?.stream?.stream_state;
  if (!blob) return {};
  return Object.fromEntries([...decodeCursors(blob, codes)].map(([code, ms]) => [code, new Date(ms).toISOString()]));
}
