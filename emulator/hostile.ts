/**
 * Hostile mode: the emulator as a broken or hostile Feishu server (issue 17). server.ts calls three
 * hooks, each a no-op while every switch is off (the default):
 *   before(): after auth, before the rate limit — forced 99991400s, details failing for good, and
 *             pages for the page tokens hostile mode itself hands out;
 *   after():  reshapes the answer — list and detail bodies, the rate-limit reset, echoed requests;
 *   trickleMs(): how slowly server.ts writes the body (hostile-io.ts).
 * The switches themselves are described in hostile-options.ts.
 */
import type { IncomingMessage } from 'node:http';
import type { Route } from './api-handlers.js';
import { poisonDetail } from './hostile-detail.js';
import { inListScope, isTargeted, type HostileOptions } from './hostile-options.js';
import { ok, rateLimited, transientFault, type ApiResult, type JsonResult } from './responses.js';

export const ENDLESS_TOKEN_PREFIX = 'hostile-endless-';
export const CYCLE_TOKEN_PREFIX = 'hostile-cycle-';
export const QUERY_REPEAT_TOKEN = 'hostile-repeat';
/** Inserted into instance_code_list by hostileListNonStringCode. */
export const NON_STRING_CODE = 7_301_234_567_890;
const RATE_LIMIT_CODE = 99991400;

type Data = Record<string, unknown>;

/** Everything after() needs to know about the request, including what an echo repeats. */
export interface HostileRequest {
  route: Route;
  url: URL;
  req: IncomingMessage;
  body: string;
}

/** The cycle position a token names (0-based), or undefined for any other token. */
function cyclePosition(pageToken: string | null): number | undefined {
  if (!pageToken?.startsWith(CYCLE_TOKEN_PREFIX)) return undefined;
  const n = Number(pageToken.slice(CYCLE_TOKEN_PREFIX.length));
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function dataOf(result: ApiResult): Data | undefined {
  if (result.kind !== 'json' || result.body.code !== 0) return undefined;
  const data = result.body['data'];
  return typeof data === 'object' && data !== null ? (data as Data) : undefined;
}

function withData(result: JsonResult, data: Data | undefined): JsonResult {
  const { data: _old, ...rest } = result.body;
  return { ...result, body: data === undefined ? rest : { ...rest, data } };
}

export class HostileMode {
  private apiRequests = 0;
  private endlessTokens = 0;

  /** `firstPage` answers a list query as if it carried no page token (handleList). */
  constructor(
    private readonly getOptions: () => HostileOptions,
    private readonly firstPage: (query: URLSearchParams) => ApiResult,
  ) {}

  before(route: Route, url: URL): ApiResult | undefined {
    const o = this.getOptions();
    if (o.hostileRateLimitEvery > 0 && route.kind !== 'token' && route.kind !== 'other') {
      this.apiRequests++;
      if (this.apiRequests % o.hostileRateLimitEvery === 0)
        return rateLimited(1, Math.max(1, o.hostileRateLimitResetSec));
    }
    if (route.kind === 'detail' && isTargeted('hostileDetailFail', o.hostileDetailFail, route.instanceId)) {
      return transientFault();
    }
    if (
      route.kind === 'query' &&
      o.hostileQueryTokenRepeat &&
      url.searchParams.get('page_token') === QUERY_REPEAT_TOKEN
    ) {
      return ok({ instance_list: [], count: 0, page_token: QUERY_REPEAT_TOKEN, has_more: true });
    }
    if (route.kind !== 'list' || !inListScope(o, url.searchParams)) return undefined;
    const pageToken = url.searchParams.get('page_token');
    if (o.hostileListEndless && pageToken?.startsWith(ENDLESS_TOKEN_PREFIX)) {
      return ok({ instance_code_list: [], page_token: this.nextEndlessToken(), has_more: true });
    }
    if (o.hostileListTokenCycle > 0 && cyclePosition(pageToken) !== undefined) {
      const query = new URLSearchParams(url.searchParams);
      query.delete('page_token');
      return this.firstPage(query);
    }
    return undefined;
  }

  after(request: HostileRequest, result: ApiResult): ApiResult {
    if (result.kind !== 'json') return result;
    if (result.body.code !== 0) return this.shapeError(request, result);
    const data = dataOf(result);
    const listed = request.route.kind === 'list' && inListScope(this.getOptions(), request.url.searchParams);
    if (listed && data) return withData(result, this.shapeListData(request.url, data));
    if (request.route.kind === 'query' && data && this.getOptions().hostileQueryTokenRepeat)
      return withData(result, { ...data, has_more: true, page_token: QUERY_REPEAT_TOKEN });
    if (request.route.kind === 'detail' && data)
      return withData(result, this.shapeDetailData(request.route.instanceId, data));
    return result;
  }

  trickleMs(route: Route, url: URL): number {
    const o = this.getOptions();
    if (route.kind === 'list') return inListScope(o, url.searchParams) ? o.hostileListTrickleMs : 0;
    if (route.kind === 'detail') return o.hostileDetailTrickleMs;
    return 0;
  }

  private nextEndlessToken(): string {
    this.endlessTokens++;
    return `${ENDLESS_TOKEN_PREFIX}${this.endlessTokens}`;
  }

  /** Pagination first (endless, cycle, missing token), then the field-level breakage. */
  private shapeListData(url: URL, data: Data): Data | undefined {
    const o = this.getOptions();
    let out: Data = { ...data };
    if (o.hostileListEndless && out['has_more'] === false) {
      out = { ...out, has_more: true, page_token: this.nextEndlessToken() };
    }
    if (o.hostileListTokenCycle > 0) {
      const current = cyclePosition(url.searchParams.get('page_token'));
      const next = current === undefined ? 0 : (current + 1) % o.hostileListTokenCycle;
      out = { ...out, has_more: true, page_token: `${CYCLE_TOKEN_PREFIX}${next}` };
    }
    if (o.hostileListNoPageToken && out['has_more'] === true) delete out['page_token'];
    const codes = out['instance_code_list'];
    if (o.hostileListNonStringCode && Array.isArray(codes)) {
      const middle = Math.floor(codes.length / 2);
      out['instance_code_list'] = [...codes.slice(0, middle), NON_STRING_CODE, ...codes.slice(middle)];
    }
    if (o.hostileListHasMoreString) out['has_more'] = String(out['has_more']);
    if (o.hostileListNullCodes) out['instance_code_list'] = null;
    return o.hostileListNoData ? undefined : out;
  }

  private shapeDetailData(instanceId: string, data: Data): Data | undefined {
    const o = this.getOptions();
    if (o.hostileDetailNoData) return undefined;
    return poisonDetail(o, instanceId, data);
  }

  private shapeError(request: HostileRequest, result: JsonResult): JsonResult {
    const o = this.getOptions();
    let out = result;
    if (o.hostileRateLimitResetSec > 0 && out.body.code === RATE_LIMIT_CODE) {
      out = { ...out, headers: { ...out.headers, 'x-ogw-ratelimit-reset': String(o.hostileRateLimitResetSec) } };
    }
    if (o.hostileEchoRequest)
      out = { ...out, body: { ...out.body, msg: `${out.body.msg}; request was ${echo(request)}` } };
    return out;
  }
}

/** The request as a careless server would quote it back: secrets and all. */
function echo(request: HostileRequest): string {
  const { req, url, body } = request;
  const authorization = req.headers.authorization ?? '';
  return `${req.method ?? 'GET'} ${url.pathname}${url.search} Authorization: ${authorization} body: ${body}`;
}
