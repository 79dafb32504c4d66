import type { Emitter } from '../kit/emitter.js';
import { checkCatalog } from '../kit/catalog.js';
import type { ConnectorError } from '../kit/errors.js';
import type { AirbyteStateMessage, ConfiguredAirbyteCatalog } from '../kit/protocol.js';
import { createClient } from './client-factory.js';
import { warnRepeatedCodes, type FeishuApprovalConfig } from './config.js';
import { toConnectorError } from './errors.js';
import { scanInstanceCodes } from './scan/instance-scan.js';
import { combineHandlers, groupByCursors } from './scan/scan-groups.js';
import type { Stream } from './streams/stream.js';
import type { SyncContext } from './sync-contract.js';
import { SyncLog } from './sync-log.js';
import { describeSyncShape } from './sync-shape.js';

/**
 * Reads the streams the catalog selects, each framed by STREAM_STATUS traces.
 * Streams with the same saved cursors share one scan of the windows. A failing
 * scan marks its streams INCOMPLETE and the error goes up to the runner, which
 * emits the one TRACE ERROR.
 */
export async function readStreams(
  config: FeishuApprovalConfig,
  catalog: ConfiguredAirbyteCatalog,
  state: AirbyteStateMessage[],
  emitter: Emitter,
  streams: Stream[],
): Promise<void> {
  checkCatalog(catalog, streams.map((s) => s.asAirbyteStream()));
  warnRepeatedCodes(config, emitter);
  const byName = new Map(streams.map((s) => [s.name, s]));
  const log = new SyncLog(emitter);
  const client = createClient(config, emitter, log);
  const ctx: SyncContext = { config, client, emitter, log };
  const started = Date.now();
  try {
    const prepared = catalog.streams.map((configured) => {
      const stream = byName.get(configured.stream.name)!;
      const scan = stream.prepare(ctx, configured.sync_mode, state);
      return { stream, scan, saved: scan.saved };
    });
    const shapes = prepared.map(({ stream, saved }, i) => ({ name: stream.name, mode: catalog.streams[i]!.sync_mode, saved }));
    emitter.info(describeSyncShape(config, Date.now(), shapes));
    // Streams starting from the same cursors share one scan: the list API is read once for them.
    for (const group of groupByCursors(prepared)) {
      for (const { stream } of group) await emitter.streamStatus(stream.name, 'STARTED');
      try {
        for (const { scan } of group) await scan.before?.();
        await scanInstanceCodes(ctx, group[0]!.saved, combineHandlers(group.map(({ scan }) => scan.handlers)));
        for (const { scan } of group) scan.after?.();
      } catch (error) {
        for (const { stream } of group) await emitter.streamStatus(stream.name, 'INCOMPLETE');
        throw withStream(error, group[0]!.stream.name);
      }
      for (const { stream } of group) await emitter.streamStatus(stream.name, 'COMPLETE');
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
  const connectorError = toConnectorError(error, { unexpected: `Reading stream '${stream}' failed` });
  connectorError.stream = stream;
  return connectorError;
}
