/**
 * FeishuEmulator: the in-process facade (data-set control, stats, knobs) plus the node:http server
 * that speaks the emulated Feishu Open API.
 *
 * Per API request the gateway steps run in this order, as the connector must handle them:
 * latency (applied to every answer, errors included) → quota → auth → the endpoint's own rate
 * limit (list, definition, detail and bulk query each count apart) → injected faults → denied
 * permission (1390009) → the endpoint handler.
 * Hostile mode (hostile.ts, every switch off by default) hooks in after auth and reshapes answers.
 */
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleAdmin, type AdminTarget } from './admin-handlers.js';
import { wallClock, type EmulatorClock } from './clock.js';
import {
  authorize,
  handleApproval,
  handleDetail,
  handleList,
  handleToken,
  matchRoute,
  type ApiContext,
  type Route,
} from './api-handlers.js';
import { Dataset, type AddInstancesRequest, type InstanceStatus, type InstanceTruth } from './dataset.js';
import { DefinitionForms } from './definition-forms.js';
import type { WidgetDefinition } from './form-widgets.js';
import { readBody, writeHtml, writeJson, BodyTooLargeError } from './http-io.js';
import { HostileMode } from './hostile.js';
import { writeSlowly } from './hostile-io.js';
import { newLogId } from './ids.js';
import { applyRuntimeUpdate, cloneOptions, resolveOptions, type EmulatorOptions } from './options.js';
import { PageTokenStore } from './page-tokens.js';
import { deriveSeed, mulberry32, type Random } from './random.js';
import { handleQuery, type QuerySnapshot } from './query-handler.js';
import { handleTaskSearch, type TaskSnapshot } from './task-search-handler.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import {
  badGatewayHtml,
  invalidAppParam,
  noPermission,
  notFound,
  quotaExhausted,
  rateLimited,
  transientFault,
  type ApiResult,
} from './responses.js';
import { StatsCollector, type EmulatorStats } from './stats.js';
import { handleDepartmentsBatch, handleUsersBatch } from './contact-handler.js';
import {
  departmentAt,
  findDepartment,
  findUser,
  outOfContactRange,
  userAt,
  type DirectoryDepartment,
  type DirectoryUser,
} from './directory.js';
import { TokenStore } from './tokens.js';
import {
  advanceInstance,
  deleteInstance,
  finishInstance,
  revokeInstance,
  statusRows,
  type DeleteMode,
} from './transitions.js';

/** Endpoints with their own frequency limit, and the option holding it. */
type LimitedEndpoint = 'list' | 'detail' | 'approval' | 'query' | 'taskSearch' | 'users' | 'departments';
const LIMIT_OPTION = {
  list: 'listRateLimit',
  detail: 'detailRateLimit',
  approval: 'approvalRateLimit',
  query: 'queryRateLimit',
  taskSearch: 'taskSearchRateLimit',
  users: 'usersRateLimit',
  departments: 'departmentsRateLimit',
} as const satisfies Record<LimitedEndpoint, keyof EmulatorOptions>;

/** A directory user with every field, its current name, and whether the app's contact range holds it. */
export type ContactUserTruth = Omit<DirectoryUser, 'index'> & { inContactRange: boolean };

/** What is not an option (not JSON, not settable over HTTP): the clock a test drives. */
export interface EmulatorRuntime {
  clock?: EmulatorClock;
}

export class FeishuEmulator implements AdminTarget {
  private current: EmulatorOptions;
  private readonly dataset: Dataset;
  /** Each code's form (form-templates.ts), changed by addWidget / removeWidget. */
  private readonly forms: DefinitionForms;
  private readonly tokens = new TokenStore();
  private readonly pageTokens = new PageTokenStore();
  private readonly queryTokens = new PageTokenStore<QuerySnapshot>();
  private readonly taskTokens = new PageTokenStore<TaskSnapshot>();
  private readonly counters = new StatsCollector();
  /** Names changed through renameUser / renameDepartment, by open id. */
  private readonly renames = { users: new Map<string, string>(), departments: new Map<string, string>() };
  private readonly limiters: Record<LimitedEndpoint, SlidingWindowLimiter>;
  /** Fault draws come from the seed too, so a serial run injects faults at the same requests. */
  private readonly faultRng: Random;
  private readonly ctx: ApiContext;
  /** Misbehaviour on demand (hostile.ts); every switch is off by default. */
  private readonly hostile: HostileMode;
  private server: Server | undefined;
  private url = '';
  private started = false;
  /** Aborts latency sleeps on stop() so no timer keeps the process (or a test) alive. */
  private shutdown = new AbortController();
  /** What the emulator decides by time follows this clock (clock.ts); the wall clock unless a test passes its own. */
  readonly clock: EmulatorClock;

  constructor(options: Partial<EmulatorOptions> = {}, runtime: EmulatorRuntime = {}) {
    this.clock = runtime.clock ?? wallClock;
    const resolved = resolveOptions(options, this.clock.now());
    this.dataset = new Dataset(resolved, this.clock.now());
    resolved.approvalCodes = [...this.dataset.approvalCodes];
    this.forms = new DefinitionForms((code) => this.dataset.approvalNumber(code));
    this.current = resolved;
    const limiter = (endpoint: LimitedEndpoint): SlidingWindowLimiter =>
      new SlidingWindowLimiter(() => this.current[LIMIT_OPTION[endpoint]]);
    this.limiters = {
      list: limiter('list'),
      detail: limiter('detail'),
      approval: limiter('approval'),
      query: limiter('query'),
      taskSearch: limiter('taskSearch'),
      users: limiter('users'),
      departments: limiter('departments'),
    };
    this.faultRng = mulberry32(deriveSeed(resolved.seed, 'faults'));
    const current = (): EmulatorOptions => this.current;
    this.ctx = {
      get options() {
        return current();
      },
      dataset: this.dataset,
      tokens: this.tokens,
      pageTokens: this.pageTokens,
      forms: this.forms,
      now: () => this.clock.now(),
      onTokenIssued: () => this.counters.tokenIssued(),
    };
    this.hostile = new HostileMode(
      () => this.current,
      (query) => handleList(this.ctx, query, this.clock.now()),
    );
  }

  /** 'http://127.0.0.1:PORT' once started, '' before. */
  get baseUrl(): string {
    return this.url;
  }

  /** A copy of the effective options (mutating it changes nothing; use configure). */
  get options(): EmulatorOptions {
    return cloneOptions(this.current);
  }

  /** Number of instances that exist (cheaper than truth().length at 1M). */
  get instanceCount(): number {
    return this.dataset.size;
  }

  get approvalCodes(): string[] {
    return [...this.dataset.approvalCodes];
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    if (this.server) throw new Error('emulator already started');
    if (!this.started) {
      // "Pending instances finalise within ~5 s" counts from when clients can first connect,
      // unless the options pin the anchor (a data set whose details never change).
      this.dataset.setSeedAnchor(this.current.seedAnchorMs || this.clock.now());
      this.started = true;
    }
    this.shutdown = new AbortController();
    // Every in-flight latency sleep listens on this one signal; hundreds at once are expected.
    setMaxListeners(Number.POSITIVE_INFINITY, this.shutdown.signal);
    const server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => this.internalError(res, error));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${hostPart}:${address.port}`;
    return this.url;
  }

  /** Closes the listener and every socket (keep-alive ones included) right away. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.shutdown.abort();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  configure(partial: Partial<EmulatorOptions>): void {
    this.current = applyRuntimeUpdate(this.current, partial);
  }

  truth(approvalCode?: string): InstanceTruth[] {
    return this.dataset.truth(approvalCode);
  }

  addInstances(req: AddInstancesRequest): InstanceTruth[] {
    return this.dataset.add(req, this.current.indexDelayMs, this.clock.now());
  }

  /** Default 'gone' (removed everywhere, detail 1390003); 'status' keeps it with status DELETED. */
  deleteInstance(instanceCode: string, mode: DeleteMode = 'gone'): void {
    deleteInstance(this.dataset, instanceCode, mode, this.clock.now());
  }

  setInstanceStatus(instanceCode: string, status: InstanceStatus): void {
    this.dataset.setStatus(instanceCode, status, this.clock.now());
  }

  /** APPROVED -> CANCELED with `reverted` (throws unless the instance is APPROVED now). */
  revokeInstance(instanceCode: string): void {
    revokeInstance(this.dataset, instanceCode, this.clock.now());
  }

  /** PENDING -> a final status now (throws unless the instance is PENDING now). */
  finishInstance(instanceCode: string, status: InstanceStatus): void {
    finishInstance(this.dataset, instanceCode, status, this.clock.now());
  }

  /**
   * A PENDING instance moves on to its next approval node at `atMs` (default now): its open tasks
   * end APPROVED/DONE with PASS events, the next node's tasks start PENDING; from its last node it
   * ends APPROVED. Returns its status from then on (throws unless it is PENDING then).
   */
  advanceInstance(instanceCode: string, atMs: number = this.clock.now()): InstanceStatus {
    return advanceInstance(this.dataset, instanceCode, atMs);
  }

  /** The definition endpoint answers 1390016 from now on; list and query keep its instances. */
  deleteDefinition(approvalCode: string): void {
    this.dataset.deleteDefinition(approvalCode);
  }

  /**
   * Appends a widget to a code's form (`widget` as JSON: id, name, type, optional custom_id, option,
   * children): the definition serves it at once, instances added from now on carry a value for it.
   * Returns the form now.
   */
  addWidget(approvalCode: string, widget: unknown): readonly WidgetDefinition[] {
    return this.forms.addWidget(approvalCode, widget, this.dataset.nextBatch);
  }

  /** Removes a widget (or a list widget's child) by id: from the definition now, from instances added from now on. */
  removeWidget(approvalCode: string, widgetId: string): readonly WidgetDefinition[] {
    return this.forms.removeWidget(approvalCode, widgetId, this.dataset.nextBatch);
  }

  /** A code's form as its definition serves it now. */
  formOf(approvalCode: string): readonly WidgetDefinition[] {
    return this.forms.current(approvalCode);
  }

  /** Current status of every instance (or one code's), in truth order: the status oracle. */
  statuses(approvalCode?: string): ReturnType<typeof statusRows> {
    return statusRows(this.dataset, approvalCode, this.clock.now());
  }

  /** The contact directory's user as the users endpoint would answer with every scope, or undefined. */
  contactUser(openId: string): ContactUserTruth | undefined {
    const index = findUser(openId, 'open_id');
    if (index === undefined) return undefined;
    const { index: _index, ...user } = userAt(index);
    return {
      ...user,
      name: this.renames.users.get(openId) ?? user.name,
      inContactRange: !outOfContactRange(index, this.current.contactOutOfRangeRatio),
    };
  }

  /** The directory's department by its open_department_id, or undefined. */
  contactDepartment(openDepartmentId: string): Omit<DirectoryDepartment, 'index'> | undefined {
    const index = findDepartment(openDepartmentId, 'open_department_id');
    if (index === undefined) return undefined;
    const { index: _index, ...department } = departmentAt(index);
    return { ...department, name: this.renames.departments.get(openDepartmentId) ?? department.name };
  }

  /** The user's name changes from now on (a known open_id only). */
  renameUser(openId: string, name: string): void {
    if (findUser(openId, 'open_id') === undefined) throw new Error(`unknown user: ${openId}`);
    this.renames.users.set(openId, name);
  }

  renameDepartment(openDepartmentId: string, name: string): void {
    if (findDepartment(openDepartmentId, 'open_department_id') === undefined)
      throw new Error(`unknown department: ${openDepartmentId}`);
    this.renames.departments.set(openDepartmentId, name);
  }

  stats(): EmulatorStats {
    return this.counters.snapshot();
  }

  resetStats(): void {
    this.counters.reset();
  }

  expireAllTokens(): void {
    this.tokens.expireAll(this.clock.now());
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    if (url.pathname.startsWith('/_emulator/')) {
      const body = await readBody(req);
      const result = handleAdmin(this, req.method ?? 'GET', url, body);
      writeJson(res, result.status, result.body);
      return;
    }
    await this.serveApi(req, res, url);
  }

  private async serveApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    this.counters.enter();
    res.once('close', () => this.counters.leave());
    const route = matchRoute(req.method ?? 'GET', url.pathname);
    // Real arrival times, whatever the emulator's clock says: the stats measure the client's pacing.
    this.counters.request(route.kind, Date.now());

    let body = '';
    let bodyError = false;
    try {
      body = await readBody(req);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      bodyError = true;
    }

    const latencyMs = this.current.latencyMs;
    if (latencyMs > 0) {
      try {
        await sleep(latencyMs, undefined, { signal: this.shutdown.signal });
      } catch {
        // Stopped while waiting: the socket is being torn down, nothing to answer.
        return;
      }
    }
    const plain = bodyError && route.kind === 'token' ? invalidAppParam() : this.answer(route, req, url, body);
    const result = this.hostile.after({ route, url, req, body }, plain);
    this.write(res, result, this.hostile.trickleMs(route, url));
  }

  /** The gateway steps after latency, then the endpoint itself. */
  private answer(route: Route, req: IncomingMessage, url: URL, body: string): ApiResult {
    const options = this.current;
    if (route.kind === 'other') return notFound();
    if (options.quotaExhausted) return quotaExhausted();
    if (route.kind === 'token') return handleToken(this.ctx, body);

    const authError = authorize(this.ctx, req.headers.authorization);
    if (authError) return authError;

    const hostile = this.hostile.before(route, url);
    if (hostile) return hostile;

    const decision = this.limiters[route.kind].check(this.clock.now());
    if (!decision.allowed) {
      this.counters.limited(route.kind);
      return rateLimited(decision.limit, decision.resetSec);
    }

    if (options.faultRate > 0 || options.htmlFaultRate > 0) {
      const u = this.faultRng.next();
      if (u < options.faultRate) return transientFault();
      if (u < options.faultRate + options.htmlFaultRate) return badGatewayHtml();
    }

    if ((options.deniedEndpoints as readonly string[]).includes(route.kind)) return noPermission();

    switch (route.kind) {
      case 'list':
        return handleList(this.ctx, url.searchParams, this.clock.now());
      case 'query':
        return handleQuery(this.ctx, this.queryTokens, url.searchParams, body, this.clock.now());
      case 'taskSearch':
        return handleTaskSearch(this.ctx, this.taskTokens, url.searchParams, body, this.clock.now());
      case 'approval':
        return handleApproval(this.ctx, route.approvalCode);
      case 'detail':
        return handleDetail(this.ctx, route.instanceId, this.clock.now());
      case 'users':
        return handleUsersBatch(options, this.renames, url.searchParams);
      case 'departments':
        return handleDepartmentsBatch(options, this.renames, url.searchParams);
    }
  }

  /** `trickleMs` > 0: hostile mode writes the body one byte at a time (hostile-io.ts). */
  private write(res: ServerResponse, result: ApiResult, trickleMs = 0): void {
    const headers: Record<string, string> = { 'X-Tt-Logid': newLogId() };
    if (result.kind === 'html') {
      this.counters.response('html502');
      writeHtml(res, result.status, result.html, headers);
      return;
    }
    this.counters.response(result.body.code);
    if (trickleMs > 0) {
      const jsonHeaders = { ...headers, ...result.headers, 'Content-Type': 'application/json; charset=utf-8' };
      void writeSlowly(res, result.status, jsonHeaders, JSON.stringify(result.body), trickleMs, this.shutdown.signal);
      return;
    }
    writeJson(res, result.status, result.body, { ...headers, ...result.headers });
  }

  private internalError(res: ServerResponse, error: unknown): void {
    // A socket torn down by stop() (or the client) has nobody left to answer.
    if (res.destroyed || res.socket === null || res.socket.destroyed) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const msg = error instanceof Error ? error.message : String(error);
    writeJson(res, 500, { code: 500, msg: `emulator internal error: ${msg}` }, { 'X-Tt-Logid': newLogId() });
  }
}

/** Creates an emulator and starts it on 127.0.0.1 (port 0 = any free port). */
export async function startEmulator(
  options?: Partial<EmulatorOptions>,
  port?: number,
  runtime?: EmulatorRuntime,
): Promise<FeishuEmulator> {
  const emulator = new FeishuEmulator(options, runtime);
  await emulator.start(port);
  return emulator;
}
