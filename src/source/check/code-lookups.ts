import { setMaxListeners } from 'node:events';
import type { FeishuClient } from '../../feishu/client.js';
import { FeishuApiError, FeishuCode, isDefinitionDeleted } from '../../feishu/errors.js';
import { failure, OK, type ProbeResult } from './probe.js';
import type { ProbeName } from './scopes.js';

/** An instance a lookup saw, for the list and detail probes. */
export interface SampleInstance {
  approvalCode: string;
  instanceCode: string;
  /** Creation time, when the endpoint said. */
  createdMs?: number;
}

/** What one endpoint says about one approval code. */
export interface CodeAnswer {
  code: string;
  kind: 'found' | 'unknown' | 'deleted';
  /** The definition's name and status (definition API only). */
  name?: string;
  status?: string;
  sample?: SampleInstance;
}

/** One way of asking Feishu whether approval codes exist, through one endpoint and its budget. */
export interface CodeLookup {
  probe: ProbeName;
  /** Requests in flight at once: enough to keep the budget's pace through each answer's latency. */
  concurrency: number;
  ask(code: string, signal: AbortSignal): Promise<CodeAnswer>;
}

/** What a found code's answer adds: its definition's name and status, an instance seen. */
type Found = Omit<CodeAnswer, 'code' | 'kind'>;

/**
 * A lookup through one endpoint: `found` is what the endpoint says of a code that exists; 1390002
 * and 1390016 are answers about the code (unknown, deleted), not failures of the call.
 */
function lookup(
  probe: ProbeName,
  concurrency: number,
  found: (code: string, signal: AbortSignal) => Promise<Found>,
): CodeLookup {
  return {
    probe,
    concurrency,
    async ask(code, signal) {
      try {
        return { code, kind: 'found', ...(await found(code, signal)) };
      } catch (error) {
        if (error instanceof FeishuApiError && error.code === FeishuCode.APPROVAL_NOT_FOUND)
          return { code, kind: 'unknown' };
        if (isDefinitionDeleted(error)) return { code, kind: 'deleted' };
        throw error;
      }
    },
  };
}

/**
 * The bulk query (1,000/min and 50/s): the fastest way to learn that a code exists, 1390002 when it
 * does not (feishu-api-notes.md), and one of its instances for the other probes.
 */
export function queryLookup(client: FeishuClient): CodeLookup {
  return lookup('query', 8, async (code, signal) => {
    const first = (await client.queryInstances({ approvalCode: code, pageSize: 5 }, { signal })).instance_list[0];
    if (!first) return {};
    const createdMs = Number(first.start_time);
    const known = Number.isSafeInteger(createdMs) && createdMs > 0;
    return { sample: { approvalCode: code, instanceCode: first.code, ...(known && { createdMs }) } };
  });
}

/** The definition API (100/min): slow, but it alone gives the name and tells a deleted definition apart. */
export function definitionLookup(client: FeishuClient): CodeLookup {
  return lookup('definition', 2, async (code, signal) => {
    const definition = await client.getApproval(code, { signal });
    return {
      name: definition.approval_name ?? 'unnamed',
      ...(definition.status !== undefined && { status: definition.status }),
    };
  });
}

/** The list API (100/min) over the latest window: the last resort when both others are refused. */
export function listLookup(client: FeishuClient, nowMs: number, windowMs: number): CodeLookup {
  return lookup('list', 2, async (code, signal) => {
    const page = await client.listInstanceCodes(
      { approvalCode: code, startMs: nowMs - windowMs, endMs: nowMs, pageSize: 1 },
      { signal },
    );
    const first = page.instance_code_list[0];
    return first === undefined ? {} : { sample: { approvalCode: code, instanceCode: first } };
  });
}

/** A lookup over many codes as it goes: stop it early with stopAfterFirst(). */
export interface LookupRun {
  readonly answers: CodeAnswer[];
  /** OK once any code was answered; denied or failed at the first refusal or failure, which ends the run. */
  readonly done: Promise<ProbeResult>;
  /** No more questions once one code is answered (at once if one already is); what is in flight is dropped. */
  stopAfterFirst(): void;
}

/** Asks `lookup` about every code, `lookup.concurrency` at a time, until done, refused, failed or stopped. */
export function runLookup(codes: readonly string[], lookup: CodeLookup, onAnswer: (a: CodeAnswer) => void): LookupRun {
  const controller = new AbortController();
  // Every request in flight or waiting for its turn listens to it.
  setMaxListeners(64, controller.signal);
  const answers: CodeAnswer[] = [];
  let stopWanted = false;
  let problem: ProbeResult | undefined;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < codes.length && !controller.signal.aborted) {
      const code = codes[next++]!;
      try {
        const answer = await lookup.ask(code, controller.signal);
        answers.push(answer);
        onAnswer(answer);
        if (stopWanted) controller.abort();
      } catch (error) {
        // A call cut short by the stop is no finding.
        if (controller.signal.aborted) return;
        problem ??= failure(error);
        controller.abort();
      }
    }
  };
  const workers = Array.from({ length: Math.min(lookup.concurrency, codes.length) }, worker);
  const done = Promise.all(workers).then((): ProbeResult => {
    if (problem) return problem;
    return answers.length > 0 ? OK : { kind: 'skipped', reason: 'stopped before any answer' };
  });
  return {
    answers,
    done,
    stopAfterFirst() {
      stopWanted = true;
      if (answers.length > 0 || problem) controller.abort();
    },
  };
}
