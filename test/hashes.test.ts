import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { codeHash, hash16, hash53 } from '../src/source/values/hashes.js';

/** 32-bit FNV-1a over UTF-16 units, written out as its definition: hash16 must fold exactly this (states hold it). */
function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const SAMPLES = ['', 'x', 'ABC', '7C468A54-8745-2245-9675-08B7C63E7A85', 'é中文🙂', 'a'.repeat(1000)];

describe('hashes: the values states hold never change', () => {
  it('hash16 is 32-bit FNV-1a folded to 16 bits, as the status digest has written it since 0.2.0', () => {
    for (const text of SAMPLES) {
      const h = fnv1a32(text);
      assert.equal(hash16(text), ((h >>> 16) ^ h) & 0xffff, JSON.stringify(text));
    }
    assert.deepEqual(['ABC', '7C468A54-8745-2245-9675-08B7C63E7A85'].map(hash16), [29679, 16764]);
  });

  it('hash53 is a safe integer whose top 32 bits are FNV-1a (in-memory only, pinned all the same)', () => {
    for (const text of SAMPLES) {
      const h = hash53(text);
      assert.ok(Number.isSafeInteger(h) && h >= 0, JSON.stringify(text));
      assert.equal(Math.floor(h / 0x200000), fnv1a32(text));
    }
    assert.deepEqual(['ABC', '7C468A54-8745-2245-9675-08B7C63E7A85'].map(hash53), [3255129632698526, 3365896526491811]);
  });

  it("codeHash is the first 6 bytes of the code's SHA-256 in base64url, as 0.3.0 wrote it", () => {
    for (const text of SAMPLES)
      assert.equal(
        codeHash(text),
        createHash('sha256').update(text, 'utf8').digest().subarray(0, 6).toString('base64url'),
      );
    assert.equal(codeHash('7C468A54-8745-2245-9675-08B7C63E7A85'), '7cVj8aoR');
  });
});
