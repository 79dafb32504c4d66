/** Request counters the tests and benchmarks read back (GET /_emulator/stats or stats()). */

export type EndpointKind =
  'token' | 'list' | 'query' | 'taskSearch' | 'approval' | 'detail' | 'users' | 'departments' | 'other';

export interface EmulatorStats {
  /** By endpoint: 'token' | 'list' | 'query' | 'taskSearch' | 'approval' | 'detail' | 'users' | 'departments' | 'other'. */
  requests: Record<string, number>;
  /** Body code (or 'html502') → count. */
  responsesByCode: Record<string, number>;
  /** 99991400 answers. */
  rateLimited: number;
  /** 99991400 answers by endpoint kind. */
  rateLimitedByEndpoint: Record<string, number>;
  tokensIssued: number;
  /** Peak number of API requests being served at once. */
  maxInFlight: number;
  /** Receive times (ms) of list requests, the last LIST_TIMES_CAP of them. */
  listRequestTimes: number[];
  /** Receive times (ms) of instance detail requests, likewise. */
  detailRequestTimes: number[];
}

export const LIST_TIMES_CAP = 200_000;

export class StatsCollector {
  private requests: Record<string, number> = {};
  private responsesByCode: Record<string, number> = {};
  private rateLimited = 0;
  private rateLimitedByEndpoint: Record<string, number> = {};
  private tokensIssued = 0;
  private inFlight = 0;
  private maxInFlight = 0;
  private listTimes: number[] = [];
  private detailTimes: number[] = [];

  request(kind: EndpointKind, nowMs: number): void {
    this.requests[kind] = (this.requests[kind] ?? 0) + 1;
    if (kind === 'list') this.listTimes = recordTime(this.listTimes, nowMs);
    if (kind === 'detail') this.detailTimes = recordTime(this.detailTimes, nowMs);
  }

  response(code: number | 'html502'): void {
    const key = String(code);
    this.responsesByCode[key] = (this.responsesByCode[key] ?? 0) + 1;
    if (code === 99991400) this.rateLimited++;
  }

  /** A 99991400 answer from the given endpoint (counted apart from response()). */
  limited(kind: EndpointKind): void {
    this.rateLimitedByEndpoint[kind] = (this.rateLimitedByEndpoint[kind] ?? 0) + 1;
  }

  tokenIssued(): void {
    this.tokensIssued++;
  }

  enter(): void {
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
  }

  leave(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  snapshot(): EmulatorStats {
    return {
      requests: { ...this.requests },
      responsesByCode: { ...this.responsesByCode },
      rateLimited: this.rateLimited,
      rateLimitedByEndpoint: { ...this.rateLimitedByEndpoint },
      tokensIssued: this.tokensIssued,
      maxInFlight: this.maxInFlight,
      listRequestTimes: this.listTimes.slice(-LIST_TIMES_CAP),
      detailRequestTimes: this.detailTimes.slice(-LIST_TIMES_CAP),
    };
  }

  /** Clears the counters; requests in flight stay counted so the peak stays meaningful. */
  reset(): void {
    this.requests = {};
    this.responsesByCode = {};
    this.rateLimited = 0;
    this.rateLimitedByEndpoint = {};
    this.tokensIssued = 0;
    this.maxInFlight = this.inFlight;
    this.listTimes = [];
    this.detailTimes = [];
  }
}

/** Appends a receive time; trims in chunks so the amortised cost per request stays O(1). */
function recordTime(times: number[], nowMs: number): number[] {
  times.push(nowMs);
  return times.length > LIST_TIMES_CAP + 10_000 ? times.slice(-LIST_TIMES_CAP) : times;
}
