import { RateLimiter, type RateWindow } from './rate-limiter.js';

/** The endpoints that each have a frequency limit of their own. */
export type BudgetedEndpoint = 'list' | 'approval' | 'detail' | 'query' | 'users' | 'departments';

/** A frequency limit as Feishu documents it: per minute, and for some endpoints also per second. */
export interface EndpointLimit {
  perMinute: number;
  perSecond?: number;
}

/**
 * Feishu's documented limits per app and tenant (the user docs' Performance considerations): each
 * endpoint is counted apart, and exceeding either window of a two-window limit answers 99991400.
 */
export const DOCUMENTED_LIMITS: Readonly<Record<BudgetedEndpoint, EndpointLimit>> = {
  list: { perMinute: 100 },
  approval: { perMinute: 100 },
  detail: { perMinute: 1000, perSecond: 50 },
  query: { perMinute: 1000, perSecond: 50 },
  users: { perMinute: 1000, perSecond: 50 },
  departments: { perMinute: 1000, perSecond: 50 },
};

/** The windows a limiter honours for one limit. */
export function windowsOf(limit: EndpointLimit): RateWindow[] {
  const windows: RateWindow[] = [{ limit: limit.perMinute, windowMs: 60_000 }];
  if (limit.perSecond !== undefined) windows.push({ limit: limit.perSecond, windowMs: 1000 });
  return windows;
}

/** What a budget says about itself in wait logs: "1000/min and 50/s". */
export function describeLimit(limit: EndpointLimit): string {
  return limit.perSecond === undefined ? `${limit.perMinute}/min` : `${limit.perMinute}/min and ${limit.perSecond}/s`;
}

export interface Budget {
  limiter: RateLimiter;
  /** For wait logs, fixed whatever the pace: "the detail API budget (1000/min and 50/s)". */
  name: string;
}

const API_NAMES: Record<BudgetedEndpoint, string> = {
  list: 'the list API',
  approval: 'the approval definition API',
  detail: 'the detail API',
  query: 'the bulk query API',
  users: 'the contact users API',
  departments: 'the contact departments API',
};

/** One limiter per endpoint: Feishu counts each endpoint apart, so one's wait never slows another. */
export function createBudgets(
  limits: Partial<Record<BudgetedEndpoint, EndpointLimit>>,
): Record<BudgetedEndpoint, Budget> {
  const budget = (endpoint: BudgetedEndpoint): Budget => {
    const limit = limits[endpoint] ?? DOCUMENTED_LIMITS[endpoint];
    return {
      limiter: new RateLimiter(windowsOf(limit)),
      name: `${API_NAMES[endpoint]} budget (${describeLimit(limit)})`,
    };
  };
  return {
    list: budget('list'),
    approval: budget('approval'),
    detail: budget('detail'),
    query: budget('query'),
    users: budget('users'),
    departments: budget('departments'),
  };
}
