import { RetriesExhaustedError, type FeishuClient } from '../feishu/client.js';
import { FeishuApiError, FeishuCode, FeishuTransportError } from '../feishu/errors.js';
import { ServerWaitLimitError } from '../feishu/server-waits.js';
import type { Emitter } from '../kit/emitter.js';
import { TransientError } from '../kit/errors.js';
import type { AirbyteCatalog, AirbyteStream } from '../kit/protocol.js';
import { createClient } from './config/client-factory.js';
import type { FeishuApprovalConfig } from './config/config.js';
import type { FormColumn } from './streams/forms/form-columns.js';
import {
  discoverDurationMs,
  humanDuration,
  planFormTables,
  type DefinitionOutcome,
} from './streams/forms/form-discovery.js';
import type { Stream } from './streams/stream.js';
import { toConnectorError } from './sync/errors.js';
import { SyncLog } from './sync/log.js';
import { WorkQueue } from './sync/work-queue.js';

/** A person waits for discover: a definition still failing after these retries is left out, with a WARN. */
const DISCOVER_MAX_RETRIES = 3;

/** The catalog entry of one code's form table, from its columns. */
export type FormStreamEntry = (approvalCode: string, columns: readonly FormColumn[]) => AirbyteStream;

/**
 * The catalog: the static streams first, then one form table per configured approval code whose
 * definition can be read (one definition request per code, on the definition API's own budget,
 * several in flight). A code whose definition cannot be read is left out with one WARN naming it;
 * discover fails only when Feishu cannot be used at all (the credentials, the host, the quota).
 */
export async function discoverCatalog(
  config: FeishuApprovalConfig,
  emitter: Emitter,
  staticStreams: readonly Stream[],
  formStream: FormStreamEntry,
): Promise<AirbyteCatalog> {
  const started = Date.now();
  const client = createClient({ ...config, maxRetries: Math.min(config.maxRetries, DISCOVER_MAX_RETRIES) }, emitter);
  try {
    try {
      await client.authenticate();
    } catch (error) {
      throw cannotConnect(error, client);
    }
    const outcomes = await readDefinitions(client, config, emitter);
    const { tables, warnings } = planFormTables(outcomes);
    for (const warning of warnings) emitter.warn(warning);
    const left = config.approvalCodes.length - tables.length;
    emitter.info(
      `Discover: ${tables.length} form table(s) from ${config.approvalCodes.length} approval code(s)` +
        `${left > 0 ? `, ${left} left out (see the WARN lines)` : ''}, in ${humanDuration(Date.now() - started)}.`,
    );
    return {
      streams: [
        ...staticStreams.map((s) => s.asAirbyteStream()),
        ...tables.map((t) => formStream(t.approvalCode, t.columns)),
      ],
    };
  } finally {
    await client.close();
  }
}

/** Each configured code's definition, in config order; a failure that dooms every code ends discover. */
async function readDefinitions(
  client: FeishuClient,
  config: FeishuApprovalConfig,
  emitter: Emitter,
): Promise<DefinitionOutcome[]> {
  const codes = config.approvalCodes;
  const perMinute = config.limits.approval.perMinute;
  emitter.info(
    `Discover: reading the definitions of ${codes.length} approval code(s) for their form tables, one request each ` +
      `within approval_requests_per_minute (${perMinute}/min): about ${humanDuration(discoverDurationMs(codes.length, perMinute))}.`,
  );
  const outcomes: DefinitionOutcome[] = new Array<DefinitionOutcome>(codes.length);
  let read = 0;
  // The sync's progress pacing (every 10 s) serves a long discover too.
  const log = new SyncLog(emitter);
  const queue = new WorkQueue<number>(Math.max(1, Math.min(config.maxConcurrency, codes.length)), async (i, signal) => {
    const approvalCode = codes[i] as string;
    try {
      outcomes[i] = { approvalCode, form: (await client.getApproval(approvalCode, { signal })).form };
    } catch (error) {
      if (dooms(error)) throw error;
      outcomes[i] = { approvalCode, error };
    }
    read++;
    if (read < codes.length)
      log.progress(() => {
        const left = humanDuration(discoverDurationMs(codes.length - read + 1, perMinute));
        return `Discover: ${read} of ${codes.length} approval definitions read, about ${left} left.`;
      });
  });
  queue.push(...codes.map((_, i) => i));
  try {
    await queue.start();
  } catch (error) {
    throw toConnectorError(error);
  }
  return outcomes;
}

/** Failures about the app, not the code: every other code would fail the same way. */
function dooms(error: unknown): boolean {
  if (error instanceof ServerWaitLimitError) return true;
  return (
    error instanceof FeishuApiError &&
    (
      [
        FeishuCode.QUOTA_EXHAUSTED,
        FeishuCode.BAD_APP_ID,
        FeishuCode.BAD_APP_SECRET,
        FeishuCode.WRONG_APP_SECRET,
        FeishuCode.TOKEN_INVALID,
      ] as number[]
    ).includes(error.code)
  );
}

/** The token could not be had: the config's credentials or host are at fault, or the network. */
function cannotConnect(error: unknown, client: FeishuClient): Error {
  const last = error instanceof RetriesExhaustedError ? error.last : error;
  if (last instanceof FeishuTransportError && last.failure === 'connect') {
    const message = `Cannot reach ${last.target} (from config.base_url): ${last.message}. Check the host, port and network.`;
    return new TransientError(message, message, { cause: error });
  }
  return toConnectorError(error, { unexpected: `Unexpected error talking to ${client.target}` });
}
