import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalHash, canonicalJson } from '../server/engine/events.ts';

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

  it('refuses a function, which has no JSON text (it used to be written as "undefined")', () => {
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
    expect(() => canonicalJson(undefined)).toThrow(/undefined/);
  });
});

// The state hash streams its text into the hash in pieces: it must be the hash of the one string.
describe('canonical hash', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it('is the SHA-256 of the canonical JSON for random values, at every streaming depth', () => {
    // Long strings with text outside Latin-1 so pieces cross the 16 KiB chunk with two-byte text in them.
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '浮', '😀', '"', '\\', '\n'), maxLength: 3000 });
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
        fc.array(tie('node'), { maxLength: 8 }), fc.dictionary(text, tie('node'), { maxKeys: 8 })),
    })).node;
    fc.assert(fc.property(value, fc.integer({ min: 0, max: 8 }), (v, depth) => {
      expect(canonicalHash(v, depth)).toBe(sha(canonicalJson(v)));
    }), { numRuns: 600, seed: 21 });
  });

  it('handles what canonicalJson handles: toJSON, undefined members and array items, a megabyte of records', () => {
    const when = new Date(Date.UTC(2025, 5, 1));
    const v = { b: [1, undefined, { when }], a: { z: undefined, y: 2 }, big: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`m${i}`, { to: ['kyle@summitbridge.com'], body: 'x'.repeat(300) + (i % 97 === 0 ? '—' : '') }])) };
    for (const depth of [0, 1, 2, 3, 4, 50]) expect(canonicalHash(v, depth)).toBe(sha(canonicalJson(v)));
  });

  it('refuses what canonicalJson refuses, at every streaming depth', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = { d: deep };
    const loop: Record<string, unknown> = {};
    loop.self = [loop];
    for (const depth of [0, 3, 1000]) {
      expect(() => canonicalHash({ a: { n: NaN } }, depth)).toThrow(/NaN/);
      expect(() => canonicalHash({ a: ['a\ud800'] }, depth)).toThrow(/surrogate/i);
      expect(() => canonicalHash({ a: { f: () => 1 } }, depth)).toThrow(/function/);
      expect(() => canonicalHash(deep, depth)).toThrow(/deeper/);
      expect(() => canonicalHash(loop, depth)).toThrow(/deeper/);
    }
  });
});
