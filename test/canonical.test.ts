import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../server/engine/events.ts';

// Event hashes rest on canonical JSON: ours (written for speed) must give the reference
// implementation's text, byte for byte, for any JSON value, and refuse what it refuses.
describe('canonical JSON', () => {
  it('equals the RFC 8785 reference implementation for random JSON values', () => {
    const value = fc.jsonValue({ maxDepth: 6 });
    fc.assert(fc.property(value, (v) => {
      expect(canonicalJson(v)).toBe(canonicalize(v));
    }), { numRuns: 3000, seed: 12 });
  });

  it('equals the reference for random text: quotes, escapes, control characters, emoji, U+2028', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', 'é', '😀', '/', ' ') });
    fc.assert(fc.property(fc.dictionary(text, text), (v) => {
      expect(canonicalJson(v)).toBe(canonicalize(v));
    }), { numRuns: 2000, seed: 7 });
  });

  it('sorts records of one kind by the order it remembers, and records that only look alike by their own keys', () => {
    // Same first key and key count, different keys: the remembered order must not be borrowed.
    const records = [{ z: 1, b: 2, a: 3 }, { z: 1, y: 2, c: 3 }, { z: 1, b: 2, a: 3 }, { z: 1, c: 2, y: 3 }, { z: 1, a: 2, b: 3 }];
    for (const r of [...records, ...records]) expect(canonicalJson(r)).toBe(canonicalize(r));
    const list = fc.array(fc.dictionary(fc.constantFrom('id', 'a', 'b', 'c', 'from', 'to'), fc.nat()), { maxLength: 30 });
    fc.assert(fc.property(list, (rs) => {
      for (const r of rs) expect(canonicalJson(r)).toBe(canonicalize(r));
    }), { numRuns: 300, seed: 3 });
  });

  it('writes numbers, odd keys and text as the reference does', () => {
    const v = { b: [1e21, -0, 0.1 + 0.2, 5e-7, 1, undefined], a: { 'é': 'ü', '\u0000': '"\\', '10': 1, '9': 2 }, z: undefined, s: '😀\n\t' };
    expect(canonicalJson(v)).toBe(canonicalize(v));
  });

  it('refuses NaN, Infinity, lone surrogates and values nested too deep', () => {
    expect(() => canonicalJson({ n: NaN })).toThrow(/NaN/);
    expect(() => canonicalJson([Infinity])).toThrow(/Infinity/);
    expect(() => canonicalJson({ s: 'a\ud800' })).toThrow(/surrogate/i);
    expect(() => canonicalJson({ ['\udc00']: 1 })).toThrow(/surrogate/i);
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(/deeper/);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalJson(loop)).toThrow(/deeper/);
  });
});
