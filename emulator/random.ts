/**
 * Seeded pseudo-random helpers.
 *
 * Everything the emulator invents about its data set (approval codes, instance codes, creation
 * times, statuses, fault draws) comes from these generators so that the same seed always yields
 * the same data — tests and benchmarks can then compare runs. Opaque identifiers that only need to
 * be unguessable (tokens, page tokens, log ids) use node:crypto instead, see ids.ts.
 */

/** A source of uniform floats in [0, 1) plus raw 32-bit words. */
export interface Random {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform unsigned 32-bit integer. */
  nextUint32(): number;
}

/**
 * mulberry32: tiny, fast and good enough for test data. Millions of draws are needed when a
 * benchmark generates 1M instances, so speed matters more than statistical perfection.
 */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    nextUint32,
    next: () => nextUint32() / 4294967296,
  };
}

/**
 * Derives an independent 32-bit seed from a base seed and a label (splitmix32-style finaliser over
 * an FNV-1a hash of the label), so separate concerns (codes, instances, faults) get separate
 * streams: changing instancesPerCode must not change the approval codes, for example.
 */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h = (h + Math.imul(seed | 0, 0x9e3779b9)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x21f0aaad);
  h ^= h >>> 15;
  h = Math.imul(h, 0x735a2d97);
  h ^= h >>> 15;
  return h >>> 0;
}

/** Two uppercase hex digits per byte value; a lookup table keeps 1M-code generation fast. */
const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).toUpperCase().padStart(2, '0'),
);

function hexWord(word: number): string {
  return (
    (HEX_BYTE[(word >>> 24) & 0xff] as string) +
    (HEX_BYTE[(word >>> 16) & 0xff] as string) +
    (HEX_BYTE[(word >>> 8) & 0xff] as string) +
    (HEX_BYTE[word & 0xff] as string)
  );
}

/** `words` random 32-bit words as uppercase hex (8 characters each). */
export function randomHex(rng: Random, words: number): string {
  let out = '';
  for (let i = 0; i < words; i++) out += hexWord(rng.nextUint32());
  return out;
}

/**
 * A code shaped like Feishu's approval and instance codes, e.g.
 * '7C468A54-8745-2245-9675-08B7C63E7A85' (uppercase 8-4-4-4-12 hex).
 */
export function uuidLike(rng: Random): string {
  const a = hexWord(rng.nextUint32());
  const b = hexWord(rng.nextUint32());
  const c = hexWord(rng.nextUint32());
  const d = hexWord(rng.nextUint32());
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

/** Uniform integer in [min, max] (both inclusive). */
export function randomInt(rng: Random, min: number, max: number): number {
  return min + Math.floor(rng.next() * (max - min + 1));
}
