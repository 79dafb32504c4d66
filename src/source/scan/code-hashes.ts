/**
 * A compact record of the codes a window has handled: one 53-bit hash per
 * code in a growable Float64Array, instead of the strings themselves. Holding
 * every code string of a window until it ends made V8 promote millions of them
 * to the old generation (peak RSS of a 1 M record sync); hashes cost 8 bytes
 * and leave no garbage. They are only consulted after a page-token restart;
 * two different codes share a hash with a probability of about n / 2^53
 * (1e-12 for a window of 10,000 codes).
 */
export class CodeHashes {
  private hashes = new Float64Array(1024);
  private count = 0;

  add(code: string): void {
    if (this.count === this.hashes.length) {
      const grown = new Float64Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.count++] = hashCode(code);
  }

  /** A set of every hash added so far, for the skip test after a restart. */
  toSet(): Set<number> {
    return new Set(this.hashes.subarray(0, this.count));
  }
}

/** Two 32-bit FNV-1a style lanes folded into 53 bits (a safe integer). */
export function hashCode(code: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}
