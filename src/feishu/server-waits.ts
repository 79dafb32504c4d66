/**
 * Waits the server asks for (99991400 with `x-ogw-ratelimit-reset`), capped: each one at
 * `maxWaitMs`, all of one client (one sync) together at `maxTotalMs`. A server that asks for an
 * hour must not freeze a sync for an hour, silently: each wait is reported, a longer request is
 * cut to the cap, and once the total is spent the next request for a wait fails instead.
 */
export interface ServerWaitLimits {
  maxWaitMs: number;
  maxTotalMs: number;
}

/** One wait granted: what the server asked for and what the client will wait. */
export interface ServerWait {
  endpoint: string;
  requestedMs: number;
  grantedMs: number;
  /** Granted so far in this sync, this wait included. */
  totalMs: number;
  limits: ServerWaitLimits;
}

/** The waits the server asked for in this sync exceed `maxTotalMs`. */
export class ServerWaitLimitError extends Error {
  constructor(
    readonly endpoint: string,
    readonly requestedMs: number,
    readonly spentMs: number,
    readonly limits: ServerWaitLimits,
    readonly logId: string | undefined,
  ) {
    super(
      `Feishu's rate limit (99991400, x-ogw-ratelimit-reset) asked for another ${seconds(requestedMs)} wait on ${endpoint}` +
        `${logId ? ` (log id ${logId})` : ''} after ${seconds(spentMs)} of such waits in this sync; at most ${seconds(limits.maxTotalMs)} per sync ` +
        '(rate_limit_wait_total_seconds)',
    );
    this.name = 'ServerWaitLimitError';
  }
}

export const DEFAULT_SERVER_WAIT_LIMITS: ServerWaitLimits = { maxWaitMs: 60_000, maxTotalMs: 900_000 };

export class ServerWaits {
  private spentMs = 0;

  constructor(
    private readonly limits: ServerWaitLimits,
    private readonly onWait: (wait: ServerWait) => void = () => {},
  ) {}

  /** The most one wait may last; the rate limiter's hold after a 99991400 is cut to it as well. */
  get maxWaitMs(): number {
    return this.limits.maxWaitMs;
  }

  /** How long to wait for a request of `requestedMs`; throws ServerWaitLimitError when the sync's total is spent. */
  grant(endpoint: string, requestedMs: number, logId?: string): number {
    const grantedMs = Math.min(Math.max(0, requestedMs), this.limits.maxWaitMs);
    if (this.spentMs + grantedMs > this.limits.maxTotalMs)
      throw new ServerWaitLimitError(endpoint, requestedMs, this.spentMs, this.limits, logId);
    this.spentMs += grantedMs;
    this.onWait({ endpoint, requestedMs, grantedMs, totalMs: this.spentMs, limits: this.limits });
    return grantedMs;
  }
}

export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
