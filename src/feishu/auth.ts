import { FeishuTransportError } from './errors.js';
import type { Transport } from './transport.js';
import type { TenantTokenResponse } from './types.js';

export interface Credentials {
  appId: string;
  appSecret: string;
}

const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

/**
 * The tenant access token: fetched once, shared by every request, refreshed
 * ahead of expiry, and fetched by one request at a time however many callers
 * need it (single flight). The secret travels only in this POST body.
 */
export class TenantTokenProvider {
  private token: string | undefined;
  private refreshAtMs = 0;
  private inFlight: Promise<string> | undefined;
  fetches = 0;

  constructor(
    private readonly transport: Transport,
    private readonly credentials: Credentials,
    private readonly onToken: (token: string) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid token, from the cache unless it is close to expiry. */
  async get(signal?: AbortSignal): Promise<string> {
    if (this.token && this.now() < this.refreshAtMs) return this.token;
    return this.refresh(signal);
  }

  /**
   * Drops `rejected` (the server said it is invalid or expired) and fetches a
   * new one, unless another caller already replaced it.
   */
  async invalidate(rejected: string, signal?: AbortSignal): Promise<string> {
    if (this.token !== undefined && this.token !== rejected && this.now() < this.refreshAtMs) return this.token;
    this.token = undefined;
    return this.refresh(signal);
  }

  private refresh(signal?: AbortSignal): Promise<string> {
    this.inFlight ??= this.fetchToken(signal).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchToken(signal?: AbortSignal): Promise<string> {
    this.fetches++;
    const requestedAt = this.now();
    const { body, httpStatus, logId } = await this.transport.request<TenantTokenResponse>({
      method: 'POST',
      path: TOKEN_PATH,
      body: { app_id: this.credentials.appId, app_secret: this.credentials.appSecret },
      signal,
    });
    const token = body.tenant_access_token;
    if (typeof token !== 'string' || token === '') {
      // A broken answer, retried like one (client.ts), not a bug of the connector.
      throw new FeishuTransportError(
        'body',
        this.transport.target,
        `${TOKEN_PATH} answered code 0 without a tenant_access_token`,
        httpStatus,
        logId,
      );
    }
    this.onToken(token);
    this.token = token;
    this.refreshAtMs = requestedAt + refreshAfterMs(typeof body.expire === 'number' ? body.expire : 7200);
    return token;
  }
}

/** How long before expiry the official SDKs fetch a new token. */
const REFRESH_EARLY_MS = 3 * 60_000;

/**
 * When to refresh a token that lives `expireSec`: three minutes early, as the
 * official SDKs do (the endpoint issues a new token once less than 30 minutes
 * remain); tokens living 15 minutes or less (private deployments, the
 * emulator) at 80 % of their life instead, where the two rules meet.
 */
export function refreshAfterMs(expireSec: number): number {
  const lifeMs = Math.max(0, expireSec) * 1000;
  return lifeMs > 5 * REFRESH_EARLY_MS ? lifeMs - REFRESH_EARLY_MS : Math.floor(lifeMs * 0.8);
}
