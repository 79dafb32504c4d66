import { hash53 } from '../values/hashes.js';

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
    this.hashes[this.count++] = hash53(code);
  }

  /** A set of every hash added so far, for the skip test after a restart. */
  toSet(): Set<number> {
    return new Set(this.hashes.subarray(0, this.count));
  }
}
