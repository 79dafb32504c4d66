/**
 * Page tokens as scroll cursors. The first page of a query takes a snapshot — just a reference to
 * the approval code's (copy-on-write, never mutated) sorted view plus the matching index range
 * and the visibility cut-off — and every page token names a position in that snapshot. A token
 * always yields the same page, so a client that retries a page after a transient error gets the
 * same data again instead of skipping ahead.
 */
import type { CodeView } from './dataset.js';
import { newPageToken } from './ids.js';

export interface Snapshot {
  readonly approvalCode: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly view: CodeView;
  /** Index range [lo, hi) in `view` matching the time filter. */
  readonly lo: number;
  readonly hi: number;
  /** Only instances indexed by this moment (the first page's time) are visible. */
  readonly visibleAtMs: number;
}

export interface PageCursor<S = Snapshot> {
  readonly snapshot: S;
  /** Index in snapshot.view where the page starts. */
  readonly position: number;
  readonly issuedAtMs: number;
}

export type CursorLookup<S = Snapshot> =
  { kind: 'ok'; cursor: PageCursor<S> } | { kind: 'unknown' } | { kind: 'expired' };

/** Upper bound on remembered cursors (a 1M-instance crawl needs ~10k); oldest are forgotten first. */
const MAX_CURSORS = 200_000;

/** Generic over the snapshot so the list and the bulk query APIs each keep their own cursors. */
export class PageTokenStore<S = Snapshot> {
  private readonly cursors = new Map<string, PageCursor<S>>();

  issue(snapshot: S, position: number, nowMs: number = Date.now()): string {
    const token = newPageToken();
    this.cursors.set(token, { snapshot, position, issuedAtMs: nowMs });
    if (this.cursors.size > MAX_CURSORS) {
      // Map iteration order is insertion order, so the first key is the oldest cursor.
      const oldest = this.cursors.keys().next();
      if (!oldest.done) this.cursors.delete(oldest.value);
    }
    return token;
  }

  /**
   * `ttlMs` 0 means tokens never expire. Expiry is judged at look-up time, so a run-time TTL change
   * applies to tokens already issued.
   */
  lookup(token: string, ttlMs: number, nowMs: number = Date.now()): CursorLookup<S> {
    const cursor = this.cursors.get(token);
    if (!cursor) return { kind: 'unknown' };
    if (ttlMs > 0 && nowMs - cursor.issuedAtMs > ttlMs) return { kind: 'expired' };
    return { kind: 'ok', cursor };
  }
}
