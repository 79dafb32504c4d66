import type { Emitter } from '../kit/emitter.js';
import { checkCatalog } from '../kit/catalog.js';
import type { AirbyteStateMessage, ConfiguredAirbyteCatalog } from '../kit/protocol.js';
import { createClient } from './config/client-factory.js';
import { warnRepeatedCodes, type FeishuApprovalConfig } from './config/config.js';
import { scanInstanceCodes } from './scan/instance-scan.js';
import { groupByCursors, mergeScans } from './plan/scan-groups.js';
import { StreamFates } from './plan/stream-fates.js';
import { streamFailure, streamsFailedError, type StreamFailure } from './sync/failures.js';
import type { Stream } from './streams/stream.js';
import type { StreamScan, SyncContext } from './sync/contract.js';
import { SyncLog } from './sync/log.js';
import { describeSyncShape } from './plan/shape.js';

interface PreparedStream {
  stream: Stream;
  scan: StreamScan;
  saved: StreamScan['saved'];
}

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
  checkCatalog(catalog, streams.map((s) => s.asAirbyteStream()));
  warnRepeatedCodes(config, emitter);
  const byName = new Map(streams.map((s) => [s.name, s]));
  const log = new SyncLog(emitter);
  const client = createClient(config, emitter, log);
  const ctx: SyncContext = { config, client, emitter, log };
  const started = Date.now();
  const failures: StreamFailure[] = [];
  try {
    const prepared: PreparedStream[] = catalog.streams.map((configured) => {
      const stream = byName.get(configured.stream.name)!;
      const scan = stream.prepare(ctx, configured.sync_mode, state);
      return { stream, scan, saved: scan.saved };
    });
    // Streams that list no instances (approval_definitions) have no windows to describe.
    const shapes = prepared.flatMap(({ stream, scan, saved }, i) => (scan.handlers ? [{ name: stream.name, mode: catalog.streams[i]!.sync_mode, saved }] : []));
    emitter.info(describeSyncShape(config, Date.now(), shapes));
    // Streams starting from the same cursors share one scan: the list API is read once for them.
    // A stream without scan handlers (approval_definitions) reads on its own, in `before`.
    const scanning = prepared.filter(({ scan }) => scan.handlers);
    const alone = prepared.filter(({ scan }) => !scan.handlers).map((p) => [p]);
    for (const group of [...groupByCursors(scanning), ...alone]) failures.push(...(await readGroup(ctx, group)));
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

/**
 * One shared scan; resolves with the streams of the group that failed, never rejects for a stream's
 * failure. Streams another scan of the group serves (the detail-based streams share one DetailScan)
 * share its fate.
 */
async function readGroup(ctx: SyncContext, group: PreparedStream[]): Promise<StreamFailure[]> {
  const { emitter } = ctx;
  const servedBy = mergeScans(group.map(({ scan }) => scan));
  const members = group.filter(({ scan }) => servedBy.get(scan) === scan);
  const memberOf = (scan: StreamScan): string => members.find((m) => m.scan === servedBy.get(scan))!.stream.name;
  const listing = members.flatMap(({ stream, scan }) => (scan.handlers ? [{ name: stream.name, handlers: scan.handlers }] : []));
  const fates = new StreamFates(listing);
  for (const { scan } of members) scan.joinGroup?.(members.map((m) => m.scan));
  for (const { stream } of group) await emitter.streamStatus(stream.name, 'STARTED');
  for (const { stream, scan } of members) {
    try {
      await scan.before?.();
    } catch (error) {
      fates.fail(stream.name, error);
    }
  }
  try {
    if (listing.length > 0 && !fates.allFailed) await scanInstanceCodes(ctx, group[0]!.saved, fates.handlers());
  } catch (error) {
    fates.failRemaining(error);
  }
  for (const { scan } of members) await scan.finish();
  const failures: StreamFailure[] = [];
  for (const { stream, scan } of group) {
    const failed = fates.failed(memberOf(scan));
    if (failed) {
      const failure = streamFailure(stream.name, failed.error);
      failures.push(failure);
      emitter.error(`Stream '${stream.name}' did not sync: ${failure.error.message}`);
      await emitter.streamStatus(stream.name, 'INCOMPLETE');
    } else {
      if (servedBy.get(scan) === scan) scan.after?.();
      await emitter.streamStatus(stream.name, 'COMPLETE');
    }
  }
  return failures;
}
