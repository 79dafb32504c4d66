/**
 * Opaque identifiers: access tokens, page tokens and log ids. They only need to be unique and
 * unguessable, not reproducible, so they come from node:crypto rather than the seeded PRNG (which
 * keeps the seeded data set independent of how many requests were served).
 */
import { randomBytes } from 'node:crypto';

export function newAccessToken(): string {
  return `t-${randomBytes(20).toString('hex')}`;
}

/** Looks like Feishu's scroll cursors (base64-ish, ~44 chars). */
export function newPageToken(): string {
  return randomBytes(33).toString('base64url');
}

let logSeq = 0;

/** Feishu-style X-Tt-Logid: UTC yyyyMMddHHmmss + hex; a counter guarantees uniqueness. */
export function newLogId(nowMs: number = Date.now()): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  logSeq = (logSeq + 1) % 0x1000000;
  return `${stamp}${logSeq.toString(16).toUpperCase().padStart(6, '0')}${randomBytes(7).toString('hex').toUpperCase()}`;
}
