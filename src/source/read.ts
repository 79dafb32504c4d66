import type { Emitter } from '../kit/emitter.js';
import { ConfigError, ConnectorError, describe } from '../kit/errors.js';
import type { AirbyteStateMessage, ConfiguredAirbyteCatalog } from '../kit/protocol.js';
import { createClient } from './client-factory.js';
import type { FeishuApprovalConfig } from './config.js';
import { toConnectorError } from './errors.js';
import type { Stream } from './streams/stream.js';
import { SyncLog } from './sync-log.js';

/**
 * Reads the streams the catalog selects, in catalog order, each framed by
 * STREAM_STATUS traces. A failing stream is marked INCOMPLETE and the error
 * goes up to the runner, which emits the one TRACE ERROR.
 */
export async function readStreams(
  config: FeishuApprovalConfig,
  catalog: ConfiguredAirbyteCatalog,
  state: AirbyteStateMessage[],
  emitter: Emitter,
  streams: Stream[],
): Promise<void> {
  const byName = new Map(streams.map((s) => [s.name, s]));
  for (const configured of catalog.streams) {
    if (!byName.has(configured.stream.name)) {
      throw new ConfigError(
        `The catalog names an unknown stream '${configured.stream.name}'; this source has: ${[...byName.keys()].join(', ')}.`,
      );
    }
  }
  const log = new SyncLog(emitter);
  const client = createClient(config, emitter, log);
  const started = Date.now();
  try {
    for (const configured of catalog.streams) {
      const stream = byName.get(configured.stream.name)!;
      await emitter.streamStatus(stream.name, 'STARTED');
      try {
        await stream.read({ config, client, emitter, log }, configured.sync_mode, state);
      } catch (error) {
        await emitter.streamStatus(stream.name, 'INCOMPLETE');
        throw withStream(toConnectorError(error), stream.name);
      }
      await emitter.streamStatus(stream.name, 'COMPLETE');
    }
  } finally {
    const c = client.counters;
    emitter.info(
      `Sync finished in ${((Date.now() - started) / 1000).toFixed(1)} s: ${c.requests} API request(s), ${c.retries} retr${c.retries === 1 ? 'y' : 'ies'}, ` +
        `${c.throttled} throttled answer(s), ${c.tokenFetches} token fetch(es)`,
    );
    await client.close();
  }
}

/** Names the failing stream in the trace; unexpected errors become system errors with their stack kept. */
function withStream(error: unknown, stream: string): ConnectorError {
  const connectorError =
    error instanceof ConnectorError ? error : new ConnectorError('system_error', `Reading stream '${stream}' failed: ${describe(error)}`, undefined, { cause: error });
  if (!(error instanceof ConnectorError) && error instanceof Error && error.stack) connectorError.stack = error.stack;
  connectorError.stream = stream;
  return connectorError;
}
