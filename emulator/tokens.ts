/**
 * Tenant access tokens. Mirrors Feishu: the endpoint hands back the same token while more than a
 * quarter of the TTL remains, and only then issues a new one; the old one stays valid until its
 * own expiry, so clients refreshing early never break requests already in flight.
 */
import { newAccessToken } from './ids.js';

export type TokenCheck = 'valid' | 'unknown' | 'expired';

export interface IssuedToken {
  token: string;
  /** Whole seconds left, as the `expire` field reports it. */
  expireSec: number;
  /** True when this call minted a new token (for stats). */
  fresh: boolean;
}

export class TokenStore {
  private readonly expiries = new Map<string, number>();
  private current: string | undefined;

  issue(ttlSec: number, nowMs: number = Date.now()): IssuedToken {
    const ttlMs = ttlSec * 1000;
    if (this.current !== undefined) {
      const expiresAt = this.expiries.get(this.current) ?? 0;
      const remaining = expiresAt - nowMs;
      if (remaining > ttlMs / 4) {
        return { token: this.current, expireSec: Math.floor(remaining / 1000), fresh: false };
      }
    }
    const token = newAccessToken();
    this.expiries.set(token, nowMs + ttlMs);
    this.current = token;
    this.prune(nowMs);
    return { token, expireSec: ttlSec, fresh: true };
  }

  check(token: string, nowMs: number = Date.now()): TokenCheck {
    const expiresAt = this.expiries.get(token);
    if (expiresAt === undefined) return 'unknown';
    return nowMs < expiresAt ? 'valid' : 'expired';
  }

  /** Every token issued so far expires now (they stay known, so they answer "expired"). */
  expireAll(nowMs: number = Date.now()): void {
    for (const token of this.expiries.keys()) this.expiries.set(token, nowMs - 1);
    this.current = undefined;
  }

  /**
   * Forgets tokens that expired long ago so a long benchmark cannot grow the map without bound;
   * a day of grace keeps "expired" (not "unknown") answers for anything a test could still hold.
   */
  private prune(nowMs: number): void {
    if (this.expiries.size < 1000) return;
    for (const [token, expiresAt] of this.expiries) {
      if (expiresAt < nowMs - 86_400_000) this.expiries.delete(token);
    }
  }
}
