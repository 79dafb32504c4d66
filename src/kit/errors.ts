import type { AirbyteErrorTraceMessage, FailureType } from './protocol.js';

/**
 * An error the connector understands: `message` is for the person running the
 * sync, `internalMessage` for whoever debugs it. Neither may contain a secret.
 */
export class ConnectorError extends Error {
  /** The stream that was being read, when known (goes into the trace's stream_descriptor). */
  stream?: string;

  constructor(
    readonly failureType: FailureType,
    message: string,
    readonly internalMessage?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The user must fix the configuration, catalog, state or command line. */
export class ConfigError extends ConnectorError {
  constructor(message: string, internalMessage?: string, options?: { cause?: unknown }) {
    super('config_error', message, internalMessage, options);
  }
}

/** Trying again later may succeed (throttling, outages). */
export class TransientError extends ConnectorError {
  constructor(message: string, internalMessage?: string, options?: { cause?: unknown }) {
    super('transient_error', message, internalMessage, options);
  }
}

/** The one place where any thrown value becomes the body of a TRACE ERROR. */
export function toErrorTrace(error: unknown, stream?: string): AirbyteErrorTraceMessage {
  const trace: AirbyteErrorTraceMessage =
    error instanceof ConnectorError
      ? {
          message: error.message,
          internal_message: error.internalMessage ?? error.message,
          failure_type: error.failureType,
        }
      : {
          message: 'The connector failed unexpectedly: ' + describe(error),
          internal_message: describe(error),
          failure_type: 'system_error',
        };
  if (error instanceof Error && error.stack) trace.stack_trace = error.stack;
  const streamName = stream ?? (error instanceof ConnectorError ? error.stream : undefined);
  if (streamName) trace.stream_descriptor = { name: streamName };
  return trace;
}

export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
