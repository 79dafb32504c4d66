/**
 * Instance codes without storing them.
 *
 * A 36-character string per instance would cost ~100 bytes each (string + map entry) and half a
 * second of hashing at 1M instances. Instead an instance code is a pure function of the instance's
 * numeric id and salt: the first group is an invertible 32-bit permutation of the id (keyed by the
 * seed), the rest is hashed from the salt. So codes look random, are unique by construction (the
 * first group alone is a bijection of the id), and decoding a code back to its id needs no index.
 */

/** "lowbias32" integer hash (Wellons, hash-prospector): a bijection on 32-bit integers. */
export function permute32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Exact inverse of permute32. */
export function unpermute32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x43021123);
  x ^= (x >>> 15) ^ (x >>> 30);
  x = Math.imul(x, 0x1d69e2a5);
  x ^= x >>> 16;
  return x >>> 0;
}

const HEX_CODES: readonly number[] = Array.from('0123456789ABCDEF', (c) => c.charCodeAt(0));
const DASH = 45;
/** Output position of nibble k (0..31) in the 8-4-4-4-12 layout, precomputed once. */
const NIBBLE_POS: readonly number[] = Array.from(
  { length: 32 },
  (_, k) => k + (k >= 8 ? 1 : 0) + (k >= 12 ? 1 : 0) + (k >= 16 ? 1 : 0) + (k >= 20 ? 1 : 0),
);
/** Reused scratch: building the string from char codes avoids intermediate cons-strings. */
const scratch: number[] = Array.from({ length: 36 }, () => DASH);

function putWord(word: number, firstNibble: number): void {
  for (let k = 0; k < 8; k++) {
    scratch[NIBBLE_POS[firstNibble + k] as number] = HEX_CODES[(word >>> (28 - 4 * k)) & 15] as number;
  }
}

export class InstanceCodec {
  /** `key` comes from the seed so different seeds give different codes for the same ids. */
  constructor(private readonly key: number) {}

  /** Uppercase 8-4-4-4-12 hex like '7C468A54-8745-2245-9675-08B7C63E7A85'. */
  encode(id: number, salt: number): string {
    const w0 = permute32((id ^ this.key) >>> 0);
    const w1 = permute32((salt ^ 0x9e3779b9) >>> 0);
    const w2 = permute32((w1 + 0x85ebca6b) >>> 0);
    const w3 = permute32((w2 ^ this.key ^ 0xc2b2ae35) >>> 0);
    putWord(w0, 0);
    putWord(w1, 8);
    putWord(w2, 16);
    putWord(w3, 24);
    return String.fromCharCode(...scratch);
  }

  /** The id a code claims to be (callers must re-encode and compare to confirm it exists). */
  decodeId(code: string): number | undefined {
    if (code.length !== 36 || !/^[0-9A-F]{8}-/.test(code)) return undefined;
    const w0 = Number.parseInt(code.slice(0, 8), 16);
    return (unpermute32(w0) ^ this.key) >>> 0;
  }
}
