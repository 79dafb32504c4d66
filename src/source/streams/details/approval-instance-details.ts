import { FeishuApiError, FeishuCode } from '../../../feishu/errors.js';
import type { InstanceDetail } from '../../../feishu/types.js';
import type { AirbyteStateMessage, JsonObject, SyncMode } from '../../../kit/protocol.js';
import { readCursors, stateBlob, streamBlob, type PartitionCursors } from '../../state.js';
import type { StreamScan, SyncContext, WindowFields } from '../../sync-contract.js';
import { Stream, TIMESTAMP } from '../stream.js';
import { StreamOutput } from '../stream-output.js';
import { DetailPipeline } from './detail-pipeline.js';
import { prunePending, readPending, type PendingInstance } from './pending.js';

const STRINGS = { type: ['string', 'null'] } as const;
const LIST = { type: ['array', 'null'], items: { type: 'object', additionalProperties: true } } as const;

/**
 * One record per instance with its detail (status, applicant, form, tasks,
 * timeline). Instances still PENDING are remembered in the state and fetched
 * again on every incremental sync until final, so the destination's latest row
 * carries the final status.
 */
export class ApprovalInstanceDetailsStream extends Stream {
  readonly name = 'approval_instance_details';
  readonly jsonSchema: JsonObject = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: true,
    required: ['approval_code', 'instance_code', 'status', 'created_after', 'created_before'],
    properties: {
      approval_code: { type: 'string' },
      approval_name: STRINGS,
      instance_code: { type: 'string', description: 'Primary key.' },
      serial_number: STRINGS,
      status: { type: 'string', enum: ['PENDING', 'APPROVED', 'REJECTED', 'CANCELED', 'DELETED'] },
      start_time: { ...TIMESTAMP, type: ['string', 'null'], description: 'When the instance was created.' },
      end_time: { ...TIMESTAMP, type: ['string', 'null'], description: 'When it became final; null while PENDING.' },
      user_id: STRINGS,
      open_id: STRINGS,
      department_id: STRINGS,
      uuid: STRINGS,
      form: { ...STRINGS, description: 'The form as Feishu returns it: a JSON string of widgets.' },
      form_parsed: { ...LIST, description: 'The same form parsed; null when it is not valid JSON.' },
      task_list: LIST,
      comment_list: LIST,
      timeline: LIST,
      created_after: { ...TIMESTAMP, description: 'Start of the creation-time window the instance was listed in.' },
      created_before: { ...TIMESTAMP, description: 'End of that window (the cursor).' },
    },
  };

  prepare(ctx: SyncContext, mode: SyncMode, state: AirbyteStateMessage[]): StreamScan {
    const { config, client, emitter } = ctx;
    const incremental = mode === 'incremental';
    const saved: PartitionCursors = incremental ? readCursors(state, this.name) : new Map();
    const out = new StreamOutput(emitter, this.name);
    const pipeline = new DetailPipeline(config.detailConcurrency);
    const pending = new Map<string, PendingInstance>();
    const counters = { requests: 0, retries: 0, deleted: 0, becameFinal: 0 };

    const fetchAndEmit = async (code: string, window: WindowFields, approvalCode: string, firstSeen?: string) => {
      let detail: InstanceDetail;
      try {
        detail = await client.getInstance(code, undefined, counters);
      } catch (error) {
        if (error instanceof FeishuApiError && error.code === FeishuCode.INSTANCE_NOT_FOUND) {
          counters.deleted++;
          pending.delete(code);
          emitter.warn(`Instance ${code} of approval ${approvalCode} was listed but its detail is gone (Feishu code ${error.code}); skipped.`);
          return;
        }
        throw error;
      }
      if (detail.status === 'PENDING') {
        pending.set(code, { instance_code: code, approval_code: approvalCode, ...window, first_seen: firstSeen ?? new Date().toISOString() });
      } else if (pending.delete(code) && firstSeen) {
        counters.becameFinal++;
      }
      const written = out.record(detailRecord(detail, window));
      if (written) await written;
    };

    // States leave in the order they were asked for, each once the details it covers are written.
    let lastCheckpoint: Promise<void> = Promise.resolve();
    const checkpoint = (cursors: PartitionCursors): Promise<void> => {
      const covered = pipeline.barrier();
      lastCheckpoint = lastCheckpoint.then(async () => {
        await covered;
        if (!incremental) return;
        await out.state({ ...stateBlob(cursors), pending: this.prune(ctx, pending) });
      });
      return lastCheckpoint;
    };

    // Instances pending at the end of the last sync come first: their status may have changed.
    const refetched = new Set<string>();
    const before = async (): Promise<void> => {
      if (!incremental) return;
      for (const entry of readPending(streamBlob(state, this.name))) pending.set(entry.instance_code, entry);
      this.prune(ctx, pending);
      for (const entry of [...pending.values()]) {
        refetched.add(entry.instance_code);
        await pipeline.submit(() => fetchAndEmit(entry.instance_code, entry, entry.approval_code, entry.first_seen));
      }
      await pipeline.barrier();
      if (refetched.size > 0) emitter.info(`${this.name}: fetched ${refetched.size} pending instance(s) again; ${counters.becameFinal} became final`);
    };

    return {
      saved,
      before,
      handlers: {
        onCode: (code, window) => {
          if (refetched.has(code)) return undefined;
          return pipeline.submit(() => fetchAndEmit(code, window.fields, window.partition));
        },
        onCheckpoint: checkpoint,
      },
      after: () =>
        emitter.info(
          `${this.name}: ${counters.requests} detail request(s), ${counters.retries} retr${counters.retries === 1 ? 'y' : 'ies'}, ` +
            `${counters.deleted} deleted instance(s) skipped, ${pending.size} instance(s) still pending`,
        ),
    };
  }

  /** Applies the cap and age limit to the pending set, with a WARN for what is dropped. */
  private prune(ctx: SyncContext, pending: Map<string, PendingInstance>): PendingInstance[] {
    const { kept, droppedForAge, droppedForCap } = prunePending(pending.values(), { maxEntries: ctx.config.pendingMax, maxAgeMs: ctx.config.pendingMaxAgeMs }, Date.now());
    for (const dropped of [...droppedForAge, ...droppedForCap]) pending.delete(dropped.instance_code);
    if (droppedForAge.length > 0) {
      ctx.emitter.warn(`${this.name}: stopped following ${droppedForAge.length} instance(s) pending for over pending_resync_max_age_days.`);
    }
    if (droppedForCap.length > 0) {
      ctx.emitter.warn(`${this.name}: stopped following the ${droppedForCap.length} oldest pending instance(s): more than pending_resync_max are pending.`);
    }
    return kept;
  }
}

/** The detail as a record: Feishu's ms strings become ISO timestamps, "0" (still open) becomes null. */
export function detailRecord(d: InstanceDetail, window: WindowFields): JsonObject {
  return {
    approval_code: d.approval_code,
    approval_name: d.approval_name ?? null,
    instance_code: d.instance_code,
    serial_number: d.serial_number ?? null,
    status: d.status,
    start_time: msToIso(d.start_time),
    end_time: msToIso(d.end_time),
    user_id: d.user_id ?? null,
    open_id: d.open_id ?? null,
    department_id: d.department_id ?? null,
    uuid: d.uuid ?? null,
    form: d.form ?? null,
    form_parsed: parseForm(d.form),
    task_list: d.task_list ?? null,
    comment_list: d.comment_list ?? null,
    timeline: d.timeline ?? null,
    ...window,
  };
}

function msToIso(value: string | undefined): string | null {
  const ms = Number(value);
  return value === undefined || value === '' || !Number.isFinite(ms) || ms <= 0 ? null : new Date(ms).toISOString();
}

function parseForm(form: string | undefined): unknown[] | null {
  if (!form) return null;
  try {
    const parsed: unknown = JSON.parse(form);
    return Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}
