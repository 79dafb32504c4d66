// Called through the module object, not a named import, so that node:test's mock timers drive these waits too.
import timers from 'node:timers/promises';
import { TenantTokenProvider, type Credentials } from './auth.js';
import { FeishuApiError, FeishuTransportError } from './errors.js';
import { createBudgets, type Budget, type BudgetedEndpoint, type EndpointLimit } from './budgets.js';
import { backoffDelayMs, classifyFailure } from './retry-policy.js';
import { Transport, type TransportRequest } from './transport.js';
import {
  isObject,
  narrowApprovalDefinition,
  narrowDepartmentBatch,
  narrowInstanceCodePage,
  narrowInstanceDetail,
  narrowQueriedInstancePage,
  narrowUserBatch,
  ResponseShapeError,
} from './narrow.js';
import { DEFAULT_SERVER_WAIT_LIMITS, ServerWaits, type ServerWait, type ServerWaitLimits } from './server-waits.js';
import { WaitWatch } from './wait-watch.js';
import type {
  ApprovalDefinition,
  ContactDepartment,
  ContactUser,
  FeishuEnvelope,
  InstanceCodePage,
  InstanceDetail,
  InstanceQueryRequest,
  ListInstanceCodesRequest,
  QueriedInstancePage,
} from './types.js';

export interface FeishuClientOptions extends Credentials {
  baseUrl: string;
  /** Budget of the list endpoint per minute (documented: 100). */
  requestsPerMinute: number;
  /**
   * Budgets of the other endpoints, each counted apart as Feishu counts them;
   * an endpoint left out gets its documented limit (DOCUMENTED_LIMITS).
   */
  limits?: Partial<Record<Exclude<BudgetedEndpoint, 'list'>, EndpointLimit>>;
  maxRetries: number;
  timeoutMs: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  connections?: number;
  /** Every token as soon as it is known, so the caller can mask it. */
  onToken?: (token: string) => void;
  /** Each failed attempt that will be retried. */
  onRetry?: (event: RetryEvent) => void;
  /** A line about the waits that have lasted long (see WaitWatch), at least every `waitReportEveryMs` during one. */
  onStillWaiting?: (summary: string) => void;
  waitReportEveryMs?: number;
  /** Caps of the waits the server asks for (x-ogw-ratelimit-reset): each one, and all of this client's together. */
  serverWaitLimits?: ServerWaitLimits;
  /** Each wait the server asked for, as granted (possibly cut to the cap). */
  onServerWait?: (wait: ServerWait) => void;
}

export interface RetryEvent {
  endpoint: string;
  attempt: number;
  cause: string;
  delayMs: number;
  error: FeishuApiError | FeishuTransportError;
}

/** Counters a caller passes with a call to see what it cost (attempts made, retries). */
export interface CallCounters {
  requests: number;
  retries: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Incremented with every attempt and retry of this call. */
  counters?: CallCounters;
}

export interface ClientCounters {
  requests: number;
  retries: number;
  throttled: number;
  tokenFetches: number;
}

/**
 * Retries ran out: `last` is the final failure (its code, msg and log id name the cause).
 * `unreached`: the host never answered this client at all (refused, unknown name, TLS refused),
 * so the configured host, not a passing outage, is the likely cause.
 */
export class RetriesExhaustedError extends Error {
  constructor(
    readonly endpoint: string,
    readonly attempts: number,
    readonly last: FeishuApiError | FeishuTransportError,
    readonly elapsedMs = 0,
    readonly unreached = false,
  ) {
    super(`${endpoint} failed ${attempts} times; last: ${last.message}`);
    this.name = 'RetriesExhaustedError';
  }
}

/**
 * How long, and how many times, a client retries a host that has never answered it. A wrong
 * base_url fails every attempt the same way; a host restarting comes back within seconds. So the
 * retries stop once this much time has passed since the call began (a minute is the most a person
 * should wait to learn that the host is wrong), whatever max_retries allows.
 */
export const UNREACHED_RETRY_BUDGET = { maxRetries: 4, maxElapsedMs: 30_000 } as const;

/**
 * The Feishu approval API as the connector needs it: auth, budget, retries
 * and timeouts are handled here, callers see typed data or a typed error.
 */
export class FeishuClient {
  private readonly transport: Transport;
  private readonly tokens: TenantTokenProvider;
  private readonly budgets: Record<BudgetedEndpoint, Budget>;
  private readonly stats = { requests: 0, retries: 0, throttled: 0 };
  private readonly waits: WaitWatch;
  private readonly serverWaits: ServerWaits;
  /** Set once a call gave up on a host that never answered: later calls try once, not the whole budget again. */
  private unreachable = false;

  constructor(private readonly options: FeishuClientOptions) {
    this.transport = new Transport({
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      connections: options.connections,
    });
    this.tokens = new TenantTokenProvider(this.transport, options, options.onToken);
    this.budgets = createBudgets({ ...options.limits, list: { perMinute: options.requestsPerMinute } });
    this.waits = new WaitWatch(options.onStillWaiting ?? (() => {}), options.waitReportEveryMs);
    this.serverWaits = new ServerWaits(options.serverWaitLimits ?? DEFAULT_SERVER_WAIT_LIMITS, options.onServerWait);
  }

  /** host:port, for messages about an unreachable server. */
  get target(): string {
    return this.transport.target;
  }

  /** What this client has cost so far, for the sync's closing log line. */
  get counters(): ClientCounters {
    return { ...this.stats, tokenFetches: this.tokens.fetches };
  }

  get listRatePerMinute(): number {
    return this.budgets.list.limiter.ratePerMinute;
  }

  /** Fetches a token now: the cheapest proof that the credentials work. */
  async authenticate(signal?: AbortSignal): Promise<void> {
    await this.withRetries('POST /auth/v3/tenant_access_token/internal', { signal }, async () => {
      await this.waits.around('a tenant access token', this.tokens.get(signal));
    });
  }

  listInstanceCodes(req: ListInstanceCodesRequest, { signal, counters }: CallOptions = {}): Promise<InstanceCodePage> {
    return this.call(
      'list',
      counters,
      {
        method: 'GET',
        path: '/open-apis/approval/v4/instances',
        query: {
          approval_code: req.approvalCode,
          start_time: String(req.startMs),
          end_time: String(req.endMs),
          page_size: req.pageSize,
          page_token: req.pageToken,
        },
        signal,
      },
      narrowInstanceCodePage,
    );
  }

  getApproval(approvalCode: string, options: CallOptions = {}): Promise<ApprovalDefinition> {
    const path = `/open-apis/approval/v4/approvals/${encodeURIComponent(approvalCode)}`;
    return this.getOne('approval', path, options, narrowApprovalDefinition);
  }

  getInstance(instanceCode: string, options: CallOptions = {}): Promise<InstanceDetail> {
    const path = `/open-apis/approval/v4/instances/${encodeURIComponent(instanceCode)}`;
    return this.getOne('detail', path, options, (data) => narrowInstanceDetail(data, instanceCode));
  }

  /** One object by its path (a definition, an instance detail). */
  private getOne<T>(
    endpoint: 'approval' | 'detail',
    path: string,
    { signal, counters }: CallOptions,
    narrow: (data: Record<string, unknown>) => T,
  ): Promise<T> {
    return this.call(endpoint, counters, { method: 'GET', path, signal }, narrow);
  }

  /**
   * One page of the bulk instance query: current statuses of many instances
   * at once. It leaves revoked instances out and may lag behind the detail API.
   */
  async queryInstances(
    req: InstanceQueryRequest,
    { signal, counters }: CallOptions = {},
  ): Promise<QueriedInstancePage> {
    if (!Number.isInteger(req.pageSize) || req.pageSize < 5 || req.pageSize > 200)
      throw new RangeError(`queryInstances: pageSize must be 5-200; got ${req.pageSize}`);
    if ((req.startFromMs === undefined) !== (req.startToMs === undefined))
      throw new RangeError('queryInstances: startFromMs and startToMs go together');
    if (
      req.startFromMs !== undefined &&
      !(req.startToMs! - req.startFromMs <= QUERY_MAX_SPAN_MS && req.startToMs! >= req.startFromMs)
    ) {
      throw new RangeError(
        `queryInstances: the creation-time span must be 0-30 days; got ${req.startFromMs}..${req.startToMs}`,
      );
    }
    return this.call(
      'query',
      counters,
      {
        method: 'POST',
        path: '/open-apis/approval/v4/instances/query',
        query: { page_size: req.pageSize, page_token: req.pageToken, user_id_type: req.userIdType },
        body: {
          approval_code: req.approvalCode,
          instance_status: req.status ?? 'ALL',
          ...(req.startFromMs === undefined
            ? {}
            : { instance_start_time_from: String(req.startFromMs), instance_start_time_to: String(req.startToMs) }),
        },
        signal,
      },
      narrowQueriedInstancePage,
    );
  }

  /**
   * Users by open_id, up to CONTACT_BATCH_MAX a call, under the users budget. Users outside the
   * app's contact range (and unknown ids) are left out of the answer, silently: the caller compares.
   */
  async batchGetUsers(openIds: readonly string[], { signal, counters }: CallOptions = {}): Promise<ContactUser[]> {
    checkBatch('batchGetUsers', openIds);
    return this.call(
      'users',
      counters,
      {
        method: 'GET',
        path: '/open-apis/contact/v3/users/batch',
        query: { user_ids: openIds, user_id_type: 'open_id', department_id_type: 'open_department_id' },
        signal,
      },
      narrowUserBatch,
    );
  }

  /** Departments by open_department_id, up to CONTACT_BATCH_MAX a call, under the departments budget. */
  async batchGetDepartments(
    departmentIds: readonly string[],
    { signal, counters }: CallOptions = {},
  ): Promise<ContactDepartment[]> {
    checkBatch('batchGetDepartments', departmentIds);
    return this.call(
      'departments',
      counters,
      {
        method: 'GET',
        path: '/open-apis/contact/v3/departments/batch',
        query: { department_ids: departmentIds, department_id_type: 'open_department_id' },
        signal,
      },
      narrowDepartmentBatch,
    );
  }

  close(): Promise<void> {
    this.waits.close();
    return this.transport.close();
  }

  /**
   * One call with its token, budget and retries; resolves to the body's `data` object as `narrow`
   * checks it. A `data` of the wrong shape is a broken answer, retried like one, never trusted.
   */
  private async call<T>(
    budgetOf: BudgetedEndpoint,
    counters: CallCounters | undefined,
    req: Omit<TransportRequest, 'token'>,
    narrow: (data: Record<string, unknown>) => T,
  ): Promise<T> {
    // One label per endpoint, not per code (the bulk query's path is fixed, not a code).
    const endpoint = `${req.method} ${req.path.replace(/\/(approvals|instances)\/(?!query$)[^/]+$/, '/$1/:code')}`;
    const { limiter: budget, name: budgetName } = this.budgets[budgetOf];
    return this.withRetries(endpoint, { signal: req.signal, counters }, async () => {
      // A rejected token is refreshed once per attempt; a second rejection is a real failure.
      let tokenRefreshed = false;
      for (;;) {
        const token = await this.waits.around('a tenant access token', this.tokens.get(req.signal));
        await this.waits.around(`a turn in ${budgetName}`, budget.acquire(req.signal));
        this.stats.requests++;
        if (counters) counters.requests++;
        try {
          const { body, httpStatus, logId } = await this.waits.around(
            `the answer of ${endpoint}`,
            this.transport.request<FeishuEnvelope>({ ...req, token }),
          );
          budget.onSuccess();
          // A success without its data object is a broken answer, not an empty one: retried, never read as "no instances".
          if (!isObject(body.data))
            throw new FeishuTransportError(
              'body',
              this.target,
              `${endpoint} answered code 0 without a data object`,
              httpStatus,
              logId,
            );
          try {
            return narrow(body.data);
          } catch (error) {
            if (!(error instanceof ResponseShapeError)) throw error;
            throw new FeishuTransportError(
              'body',
              this.target,
              `${endpoint} answered code 0, but ${error.message}`,
              httpStatus,
              logId,
            );
          }
        } catch (error) {
          const decision = classifyFailure(error);
          if (decision.kind === 'refresh-token' && !tokenRefreshed) {
            tokenRefreshed = true;
            await this.tokens.invalidate(token, req.signal);
            continue;
          }
          if (decision.kind === 'retry' && decision.throttled) {
            this.stats.throttled++;
            // The budget holds every request until the reset, but never longer than one capped wait.
            budget.onThrottled(Math.min(decision.minDelayMs, this.serverWaits.maxWaitMs));
          }
          throw error;
        }
      }
    });
  }

  private async withRetries<T>(
    endpoint: string,
    { signal, counters }: CallOptions,
    attemptOnce: () => Promise<T>,
  ): Promise<T> {
    const startedMs = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await attemptOnce();
      } catch (error) {
        const decision = classifyFailure(error);
        if (decision.kind !== 'retry' || !(error instanceof FeishuApiError || error instanceof FeishuTransportError))
          throw error;
        const elapsedMs = Date.now() - startedMs;
        if (this.neverReached(error)) {
          const budget = this.unreachable ? 0 : Math.min(this.options.maxRetries, UNREACHED_RETRY_BUDGET.maxRetries);
          if (attempt >= budget || elapsedMs >= UNREACHED_RETRY_BUDGET.maxElapsedMs) {
            this.unreachable = true;
            throw new RetriesExhaustedError(endpoint, attempt + 1, error, elapsedMs, true);
          }
        } else if (attempt >= this.options.maxRetries) {
          throw new RetriesExhaustedError(endpoint, attempt + 1, error, elapsedMs);
        }
        // A wait the server asked for is capped and counted (ServerWaits); it may end the sync instead.
        const serverMs = decision.throttled
          ? this.serverWaits.grant(endpoint, decision.minDelayMs, error.logId)
          : decision.minDelayMs;
        const delayMs = backoffDelayMs(
          attempt,
          this.options.retryBaseMs ?? 1000,
          this.options.retryCapMs ?? 60_000,
          serverMs,
        );
        this.stats.retries++;
        if (counters) counters.retries++;
        this.options.onRetry?.({ endpoint, attempt: attempt + 1, cause: decision.cause, delayMs, error });
        await this.waits.around(
          `the retry of ${endpoint} after ${decision.cause}`,
          timers.setTimeout(delayMs, undefined, { signal }),
        );
      }
    }
  }

  /** A connection that failed before this client ever had an answer from the host. */
  private neverReached(error: FeishuApiError | FeishuTransportError): boolean {
    return error instanceof FeishuTransportError && error.failure === 'connect' && !this.transport.reached;
  }
}

/** The most ids one contact batch call takes (documented: 50). */
export const CONTACT_BATCH_MAX = 50;

function checkBatch(method: string, ids: readonly string[]): void {
  if (ids.length < 1 || ids.length > CONTACT_BATCH_MAX)
    throw new RangeError(`${method}: 1-${CONTACT_BATCH_MAX} ids a call; got ${ids.length}`);
}

/** The bulk query's widest creation-time span (documented: 30 days). */
export const QUERY_MAX_SPAN_MS = 30 * 86_400_000;
