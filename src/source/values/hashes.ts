import { createHash } from 'node:crypto';

/**
 * The connector's one string hash, FNV-1a, and the one fixed by 0.3.0's
 * states. All pure; every hash that outlives a sync is pinned by a test, as
 * states written with it must keep reading.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** The second lane's own start and multiplier, so the two lanes do not repeat each other. */
const LANE_B_OFFSET = FNV_PRIME ^ 0x5bd1e995;
const LANE_B_PRIME = 0x5bd1e995;
const LANE_B_SPAN = 0x200000;

/**
 * FNV-1a over the UTF-16 units in two 32-bit lanes folded into 53 bits (a
 * safe integer): lane A's 32 bits above lane B's low 21. In-memory sets of
 * codes (scan/code-hashes.ts): two codes share a hash with a probability of
 * about n / 2^53.
 */
export function hash53(text: string): number {
  let a = FNV_OFFSET;
  let b = LANE_B_OFFSET;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, FNV_PRIME);
    b = Math.imul(b ^ c, LANE_B_PRIME);
  }
  return (a >>> 0) * LANE_B_SPAN + ((b >>> 0) & (LANE_B_SPAN - 1));
}

/**
 * Lane A of hash53 (plain 32-bit FNV-1a) folded to 16 bits: the status
 * digest's per-instance hash, written into states since 0.2.0.
 */
export function hash16(text: string): number {
  const fnv = Math.floor(hash53(text) / LANE_B_SPAN);
  return ((fnv >>> 16) ^ fnv) & 0xffff;
}

/** Hashes are asked for on every STATE; a sync has a fixed set of codes, so each is computed once. */
const codeHashes = new Map<string, string>();

/**
 * An approval code as 0.3.0's states name it: the first 6 bytes of its
 * SHA-256 in base64url, 8 characters. Read in 0.3.0's hashed cursor groups
 * (state/migrations.ts) and the status digest; never written into cursors.
 */
export function codeHash(code: string): string {
  let hash = codeHashes.get(code);
  if (hash === undefined) {
    hash = createHash('sha256').update(code, 'utf8').digest().subarray(0, 6).toString('base64url');
    codeHashes.set(code, hash);
  }
  return hash;
}
