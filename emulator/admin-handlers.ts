/**
 * Admin endpoints under /_emulator/ for out-of-process users (the CLI, the demo, benchmarks): the
 * truth and status oracles, run-time configuration, adding/deleting instances, status changes
 * after the fact (revoke, delete, finish, advance: a PENDING instance moved on to its next node), deleting a definition,
 * renaming a user or department of the contact directory, adding or removing a form widget,
 * stats and token expiry. They
 * take no auth and are exempt from latency, quota, limits and faults — they are the test harness,
 * not the emulated API.
 */
import type { AddInstancesRequest, InstanceStatus, InstanceTruth } from './dataset.js';
import { INSTANCE_STATUSES } from './dataset.js';
import type { EmulatorOptions } from './options.js';
import type { EmulatorStats } from './stats.js';
import type { WidgetDefinition } from './form-widgets.js';
import { DELETE_MODES, type DeleteMode } from './transitions.js';

/** The slice of FeishuEmulator the admin endpoints drive. */
export interface AdminTarget {
  readonly options: EmulatorOptions;
  configure(partial: Partial<EmulatorOptions>): void;
  truth(approvalCode?: string): InstanceTruth[];
  addInstances(req: AddInstancesRequest): InstanceTruth[];
  deleteInstance(instanceCode: string, mode?: DeleteMode): void;
  setInstanceStatus(instanceCode: string, status: InstanceStatus): void;
  revokeInstance(instanceCode: string): void;
  finishInstance(instanceCode: string, status: InstanceStatus): void;
  advanceInstance(instanceCode: string, atMs?: number): InstanceStatus;
  deleteDefinition(approvalCode: string): void;
  renameUser(openId: string, name: string): void;
  renameDepartment(openDepartmentId: string, name: string): void;
  addWidget(approvalCode: string, widget: unknown): readonly WidgetDefinition[];
  removeWidget(approvalCode: string, widgetId: string): readonly WidgetDefinition[];
  statuses(
    approvalCode?: string,
  ): Array<{ instanceCode: string; status: InstanceStatus; endMs: number; reverted: boolean }>;
  stats(): EmulatorStats;
  resetStats(): void;
  expireAllTokens(): void;
}

export interface AdminResult {
  status: number;
  body: unknown;
}

interface TruthRow {
  approval_code: string;
  instance_code: string;
  create_time_ms: number;
  indexed_at_ms: number;
}

function toRow(t: InstanceTruth): TruthRow {
  return {
    approval_code: t.approvalCode,
    instance_code: t.instanceCode,
    create_time_ms: t.createTimeMs,
    indexed_at_ms: t.indexedAtMs,
  };
}

const okResult = (body: unknown): AdminResult => ({ status: 200, body });
const badRequest = (msg: string): AdminResult => ({ status: 400, body: { code: 400, msg } });

function parseObject(raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {};
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TypeError('body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function optionalInt(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(`${key} must be an integer`);
  return value;
}

/** Effective options without the secret (the admin API is unauthenticated). */
export function publicOptions(options: EmulatorOptions): Omit<EmulatorOptions, 'appSecret'> {
  const { appSecret: _secret, ...rest } = options;
  return rest;
}

/** Dispatches one admin request; any thrown error becomes HTTP 400 with its message. */
export function handleAdmin(target: AdminTarget, method: string, url: URL, rawBody: string): AdminResult {
  const path = url.pathname;
  try {
    if (method === 'GET' && path === '/_emulator/truth') {
      const code = url.searchParams.get('approval_code');
      return okResult({ instances: target.truth(code ?? undefined).map(toRow) });
    }
    if (method === 'POST' && path === '/_emulator/config') {
      target.configure(parseObject(rawBody));
      return okResult(publicOptions(target.options));
    }
    if (method === 'GET' && path === '/_emulator/config') return okResult(publicOptions(target.options));
    if (method === 'POST' && path === '/_emulator/instances') {
      const body = parseObject(rawBody);
      const approvalCode = body['approval_code'];
      if (typeof approvalCode !== 'string') throw new TypeError('approval_code must be a string');
      const count = optionalInt(body, 'count');
      if (count === undefined) throw new TypeError('count is required');
      const req: AddInstancesRequest = { approvalCode, count };
      const from = optionalInt(body, 'created_from_ms');
      const to = optionalInt(body, 'created_to_ms');
      const delay = optionalInt(body, 'index_delay_ms');
      if (from !== undefined) req.createdFromMs = from;
      if (to !== undefined) req.createdToMs = to;
      if (delay !== undefined) req.indexDelayMs = delay;
      return okResult({ instances: target.addInstances(req).map(toRow) });
    }
    const statusMatch = /^\/_emulator\/instances\/([^/]+)\/status$/.exec(path);
    if (method === 'POST' && statusMatch) {
      const status = parseObject(rawBody)['status'];
      if (!INSTANCE_STATUSES.includes(status as InstanceStatus)) throw new TypeError('status is invalid');
      target.setInstanceStatus(decodeURIComponent(statusMatch[1] as string), status as InstanceStatus);
      return okResult({ ok: true });
    }
    const deleteMatch = /^\/_emulator\/instances\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && deleteMatch) {
      const mode = url.searchParams.get('mode') ?? 'gone';
      if (!DELETE_MODES.includes(mode as DeleteMode))
        throw new TypeError(`mode must be one of ${DELETE_MODES.join(', ')}`);
      target.deleteInstance(decodeURIComponent(deleteMatch[1] as string), mode as DeleteMode);
      return okResult({ ok: true });
    }
    const changeMatch = /^\/_emulator\/instances\/([^/]+)\/(revoke|finish)$/.exec(path);
    if (method === 'POST' && changeMatch) {
      const code = decodeURIComponent(changeMatch[1] as string);
      if (changeMatch[2] === 'revoke') target.revokeInstance(code);
      else target.finishInstance(code, parseObject(rawBody)['status'] as InstanceStatus);
      return okResult({ ok: true });
    }
    // Body {} or {"at_ms": <epoch ms>} (default now); answers {"status": "PENDING" | "APPROVED"}.
    const advanceMatch = /^\/_emulator\/instances\/([^/]+)\/advance$/.exec(path);
    if (method === 'POST' && advanceMatch) {
      const atMs = optionalInt(parseObject(rawBody), 'at_ms');
      return okResult({ status: target.advanceInstance(decodeURIComponent(advanceMatch[1] as string), atMs) });
    }
    const approvalMatch = /^\/_emulator\/approvals\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && approvalMatch) {
      target.deleteDefinition(decodeURIComponent(approvalMatch[1] as string));
      return okResult({ ok: true });
    }
    // Body {"name": "..."}: the contact API answers the new name from now on.
    const renameMatch = /^\/_emulator\/(users|departments)\/([^/]+)\/rename$/.exec(path);
    if (method === 'POST' && renameMatch) {
      const name = parseObject(rawBody)['name'];
      if (typeof name !== 'string' || name === '') throw new TypeError('name must be a non-empty string');
      const id = decodeURIComponent(renameMatch[2] as string);
      if (renameMatch[1] === 'users') target.renameUser(id, name);
      else target.renameDepartment(id, name);
      return okResult({ ok: true });
    }
    // Body: the widget ({id, name, type, custom_id?, option?, children?}); answers {form: the widgets now}.
    const widgetsMatch = /^\/_emulator\/approvals\/([^/]+)\/widgets$/.exec(path);
    if (method === 'POST' && widgetsMatch) {
      const code = decodeURIComponent(widgetsMatch[1] as string);
      return okResult({ form: target.addWidget(code, parseObject(rawBody)) });
    }
    const widgetMatch = /^\/_emulator\/approvals\/([^/]+)\/widgets\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && widgetMatch) {
      const code = decodeURIComponent(widgetMatch[1] as string);
      return okResult({ form: target.removeWidget(code, decodeURIComponent(widgetMatch[2] as string)) });
    }
    if (method === 'GET' && path === '/_emulator/statuses') {
      const rows = target.statuses(url.searchParams.get('approval_code') ?? undefined);
      return okResult({
        instances: rows.map((r) => ({
          instance_code: r.instanceCode,
          status: r.status,
          end_time_ms: r.endMs,
          reverted: r.reverted,
        })),
      });
    }
    if (method === 'GET' && path === '/_emulator/stats') {
      const stats = target.stats();
      if (url.searchParams.get('times') === '1') return okResult(stats);
      const { listRequestTimes: _times, detailRequestTimes: _detailTimes, ...rest } = stats;
      return okResult(rest);
    }
    if (method === 'POST' && path === '/_emulator/stats/reset') {
      target.resetStats();
      return okResult({ ok: true });
    }
    if (method === 'POST' && path === '/_emulator/tokens/expire') {
      target.expireAllTokens();
      return okResult({ ok: true });
    }
    return { status: 404, body: { code: 404, msg: 'not found' } };
  } catch (error) {
    return badRequest(error instanceof Error ? error.message : String(error));
  }
}
