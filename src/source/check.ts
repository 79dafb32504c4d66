// Called through the module object, not a named import, so that node:test's mock timers drive the wait.
import timers from 'node:timers/promises';
import type { FeishuClient } from '../feishu/client.js';
import type { Emitter } from '../kit/emitter.js';
import type { AirbyteConnectionStatus } from '../kit/protocol.js';
import {
  definitionLookup,
  listLookup,
  queryLookup,
  runLookup,
  type CodeAnswer,
  type CodeLookup,
  type SampleInstance,
} from './check/code-lookups.js';
import { probeContact } from './check/contact-probes.js';
import { employeeIdScope, probeDetail, probeList, type Applicant } from './check/endpoint-probes.js';
import type { ProbeResult } from './check/probe.js';
import { CheckProgress } from './check/progress.js';
import type { ProbeName } from './check/scopes.js';
import { futureStartDate } from './check/start-date.js';
import { verdict, type CheckFindings } from './check/verdict.js';
import { createClient } from './config/client-factory.js';
import { warnRepeatedCodes, type FeishuApprovalConfig } from './config/config.js';
import { toConnectorError } from './sync/errors.js';

/**
 * Proves the config works and finds every setup mistake in one go: a token, every approval code
 * (through the bulk query, whose budget of 1,000/min answers 300 codes in about 20 s), then each
 * endpoint the streams use, once. Fails naming the scope when a stream nobody can do without would
 * fail; passes naming each optional scope missing and what it costs.
 */
export async function checkConnection(
  config: FeishuApprovalConfig,
  emitter: Emitter,
): Promise<AirbyteConnectionStatus> {
  warnRepeatedCodes(config, emitter);
  const future = futureStartDate(config.startMs, Date.now());
  if (future) return failed(future);
  // A person waits for check: fewer retries than a sync.
  const client = createClient({ ...config, maxRetries: Math.min(config.maxRetries, 2) }, emitter);
  const progress = new CheckProgress(emitter, config.approvalCodes.length);
  try {
    try {
      await client.authenticate();
    } catch (error) {
      return failed(toConnectorError(error, { unexpected: `Unexpected error talking to ${client.target}` }).message);
    }
    const codes = await lookUpCodes(client, config, progress);
    if ('failure' in codes) return failed(codes.failure);
    const endpoints = await probeEndpoints(client, config, codes);
    const answers = config.approvalCodes.map((c) => codes.answers.get(c));
    const result = verdict({
      target: client.target,
      codes: {
        total: config.approvalCodes.length,
        unknown: answers.filter((a) => a?.kind === 'unknown').map((a) => a!.code),
        deleted: answers.filter((a) => a?.kind === 'deleted').map((a) => a!.code),
        named: answers.flatMap((a) =>
          a?.name === undefined ? [] : [{ code: a.code, name: a.name, ...(a.status && { status: a.status }) }],
        ),
      },
      ...endpoints,
    });
    emitter.info(result.info);
    for (const warning of result.warnings) emitter.warn(warning);
    return result.status;
  } finally {
    progress.stop();
    await client.close();
  }
}

/**
 * The endpoints the code lookups did not already answer for, once each: the list (around an
 * instance the lookups saw), the detail (an instance the list listed), the contact API (its applicant).
 */
async function probeEndpoints(
  client: FeishuClient,
  config: FeishuApprovalConfig,
  codes: CodesFound,
): Promise<Pick<CheckFindings, 'probes' | 'employeeId' | 'userDepartments'>> {
  const probes: CheckFindings['probes'] = { ...codes.probes };
  const found = config.approvalCodes.find((c) => codes.answers.get(c)?.kind !== 'unknown');
  let applicant: Applicant | undefined;
  // Every code unknown: there is nothing to list or fetch; the verdict names the codes.
  if (found !== undefined) {
    let sample = codes.sample;
    if (!probes.list) {
      const list = await probeList(client, sample?.approvalCode ?? found, sample, Date.now(), config.windowMs);
      probes.list = list.result;
      sample = list.listed ?? sample;
    }
    const detail = await probeDetail(client, sample);
    probes.detail = detail.result;
    applicant = detail.applicant;
  }
  // The users and departments streams name the people and departments the approvals reference.
  const contact = await probeContact(client, applicant);
  probes.users = contact.users;
  probes.departments = contact.departments;
  return { probes, employeeId: employeeIdScope(applicant), userDepartments: contact.userDepartments };
}

interface CodesFound {
  /** Every code's answer; the definition's, with its name, where one was read. */
  answers: Map<string, CodeAnswer>;
  probes: Partial<Record<ProbeName, ProbeResult>>;
  sample: SampleInstance | undefined;
}

/**
 * Every code through the bulk query, the definitions alongside within their own budget until the
 * query is done (at least one, the definition probe). Refused the bulk query, the definition API
 * answers every code instead (100/min: slower); refused that too, the list API.
 */
async function lookUpCodes(
  client: FeishuClient,
  config: FeishuApprovalConfig,
  progress: CheckProgress,
): Promise<CodesFound | { failure: string }> {
  const startedMs = Date.now();
  const answers = new Map<string, CodeAnswer>();
  let sample: SampleInstance | undefined;
  const record = (lookup: CodeLookup) => (answer: CodeAnswer) => {
    // The definition's answer says more (name, deleted): it wins over the others'.
    if (lookup.probe === 'definition' || !answers.has(answer.code)) answers.set(answer.code, answer);
    sample ??= answer.sample;
    progress.code(answer.code, answer.kind, lookup.probe === 'definition');
  };
  const codes = config.approvalCodes;
  const query = queryLookup(client);
  const definition = definitionLookup(client);
  const definitions = runLookup(codes, definition, record(definition));
  const queried = await runLookup(codes, query, record(query)).done;
  const probes: CodesFound['probes'] = { query: queried };
  if (queried.kind === 'failed') {
    definitions.stopAfterFirst();
    await definitions.done;
    return { failure: describe(queried.error, client) };
  }
  if (queried.kind === 'ok') {
    // Definitions name the codes and tell a deleted one apart: read them while check would run anyway.
    await within(definitions.done, DEFINITIONS_WINDOW_MS - (Date.now() - startedMs));
    definitions.stopAfterFirst();
  }
  probes.definition = await definitions.done;
  if (probes.definition.kind === 'failed' && queried.kind !== 'ok')
    return { failure: describe(probes.definition.error, client) };
  if (queried.kind !== 'ok' && probes.definition.kind !== 'ok') {
    const list = listLookup(client, Date.now(), config.windowMs);
    probes.list = await runLookup(codes, list, record(list)).done;
    // Refused all three ways: nothing tells the codes apart; the verdict names the scopes.
    if (probes.list.kind === 'failed') return { failure: describe(probes.list.error, client) };
  }
  return { answers, probes, sample };
}

/**
 * How long the definitions are read beside the bulk query: all of them for up to about 16 codes
 * (100/min), and as many as fit for more, without making check any longer than 10 s or the query.
 */
export const DEFINITIONS_WINDOW_MS = 10_000;

/** Waits for `promise`, `ms` at most; never rejects. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  if (ms <= 0) return;
  const timeout = new AbortController();
  await Promise.race([promise, timers.setTimeout(ms, undefined, { signal: timeout.signal }).catch(() => {})]);
  timeout.abort();
}

function describe(error: unknown, client: FeishuClient): string {
  return toConnectorError(error, { unexpected: `Unexpected error talking to ${client.target}` }).message;
}

function failed(message: string): AirbyteConnectionStatus {
  return { status: 'FAILED', message };
}
