import { ConnectorError } from '../../kit/errors.js';
import type { FailureType } from '../../kit/protocol.js';
import { toConnectorError } from './errors.js';

/** A stream that did not sync, with its cause in the user's words. */
export interface StreamFailure {
  stream: string;
  error: ConnectorError;
}

export function streamFailure(stream: string, error: unknown): StreamFailure {
  return { stream, error: toConnectorError(error, { unexpected: `Reading stream '${stream}' failed` }) };
}

/**
 * A failing user action outranks a bug, which outranks a passing outage: a
 * config error will not go away by retrying the other streams' sync.
 */
const RANK: Record<FailureType, number> = { config_error: 3, system_error: 2, transient_error: 1 };

/**
 * The one error of a sync in which some streams failed, as Airbyte's CDK words
 * it: every failed stream and its cause. It names the stream in the trace when
 * there is only one, and keeps that stream's stack.
 */
export function streamsFailedError(failures: StreamFailure[]): ConnectorError {
  const list = (text: (f: StreamFailure) => string) => groupedByText(failures, text).join('; ');
  const type = failures.map((f) => f.error.failureType).reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
  const error = new ConnectorError(
    type,
    `The following streams did not sync successfully: ${list((f) => f.error.message)}`,
    `The following streams did not sync successfully: ${list((f) => f.error.internalMessage ?? f.error.message)}`,
    { cause: failures[0]!.error },
  );
  if (failures.length === 1) {
    error.stream = failures[0]!.stream;
    if (failures[0]!.error.stack) error.stack = failures[0]!.error.stack;
  }
  return error;
}

/**
 * "a, b: why" once for streams that failed alike (an unreachable host fails every stream with the
 * same words), in the order the streams first appear.
 */
function groupedByText(failures: StreamFailure[], text: (f: StreamFailure) => string): string[] {
  const streamsByText = new Map<string, string[]>();
  for (const f of failures) {
    const key = text(f);
    streamsByText.set(key, [...(streamsByText.get(key) ?? []), f.stream]);
  }
  return [...streamsByText].map(([why, streams]) => `${streams.join(', ')}: ${why}`);
}
