import type { Emitter } from '../kit/emitter.js';
import { checkCatalog } from '../kit/catalog.js';
import type { AirbyteStateMessage, ConfiguredAirbyteCatalog } from '../kit/protocol.js';
import { createClient } from './config/client-factory.js';
import { warnRepeatedCodes, type FeishuApprovalConfig } from './config/config.js';
import { planRead, runPlan, type PreparedStream } from './plan/read-plan.js';
import { streamsFailedError, type StreamFailure } from './sync/failures.js';
import type { Stream } from './streams/stream.js';
import type { SyncContext } from './sync/contract.js';
import { SyncLog } from './sync/log.js';
import { formTablesOf, isFormTableName } from './streams/forms/form-streams.js';
import { describeSyncShape } from './plan/shape.js';

/**
 * Reads the streams the catalog selects, each framed by STREAM_STATUS traces.
 * Streams with the same saved cursors share one scan of the windows, but not
 * their fates: a failing stream ends INCOMPLETE while the others read on to
 * COMPLETE, and once every stream has had its turn the sync fails with one
 * error naming each failed stream (the runner emits it as the one TRACE ERROR).
 */
export async function readStreams(
  config: FeishuApprovalConfig,
  catalog: ConfiguredAirbyteCatalog,
  state: AirbyteStateMessage[],
  emitter: Emitter,
  streams: Stream[],
): Promise<void> {
  // Form tables are the config's: checked by name here, built from their definitions below.
  const formTables = catalog.streams.filter(({ stream }) => isFormTableName(stream.name));
  checkCatalog({ ...catalog, streams: catalog.streams.filter((s) => !formTables.includes(s)) }, [
    ...streams.map((s) => s.asAirbyteStream()),
  ]);
  warnRepeatedCodes(config, emitter);
  const log = new SyncLog(emitter);
  const client = createClient(config, emitter, log);
  const ctx: SyncContext = { config, client, emitter, log };
  const started = Date.now();
  let failures: StreamFailure[] = [];
  try {
    const byName = new Map([...streams, ...(await formTablesOf(ctx, catalog))].map((s) => [s.name, s]));
    checkCatalog(
      catalog,
      [...byName.values()].map((s) => s.asAirbyteStream()),
    );
    const prepared: PreparedStream[] = catalog.streams.map(({ stream, sync_mode }) => ({
      name: stream.name,
      mode: sync_mode,
      part: byName.get(stream.name)!.part(ctx, sync_mode, state),
    }));
    const plan = planRead(prepared);
    emitter.info(describeSyncShape(config, Date.now(), [...plan.shapes]));
    failures = await runPlan(ctx, plan, state);
  } finally {
    const c = client.counters;
    emitter.info(
      `Sync finished in ${((Date.now() - started) / 1000).toFixed(1)} s: ${c.requests} API request(s), ${c.retries} retr${c.retries === 1 ? 'y' : 'ies'}, ` +
        `${c.throttled} throttled answer(s), ${c.tokenFetches} token fetch(es)`,
    );
    await client.close();
  }
  if (failures.length > 0) throw streamsFailedError(failures);
}
