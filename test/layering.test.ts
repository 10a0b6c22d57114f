import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const LAYERS = ['primitives', 'tools-api', 'world-seeds'];

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every relative import (type-only ones too) of a file, as paths from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/g)].map((m) => relative(ROOT, resolve(join(ROOT, dirname(file)), m[1])));
}

const layerOf = (file: string) => file.split('/')[0];

describe('layering: world-seeds → tools-api → primitives, never back', () => {
  const edges = LAYERS.flatMap(files).flatMap((from) => importsOf(from).map((to) => ({ from, to })));

  it('reads the imports it checks', () => {
    expect(edges.filter((e) => layerOf(e.from) === 'world-seeds' && layerOf(e.to) === 'tools-api').length).toBeGreaterThan(3);
    expect(edges.filter((e) => layerOf(e.from) === 'tools-api' && layerOf(e.to) === 'primitives').length).toBeGreaterThan(10);
  });

  it('the company systems never import the storyline compiler, and primitives import neither', () => {
    const backwards = edges.filter(({ from, to }) => LAYERS.indexOf(layerOf(to)) > LAYERS.indexOf(layerOf(from)) && LAYERS.includes(layerOf(to)));
    expect(backwards.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
    const primitivesOut = edges.filter(({ from, to }) => layerOf(from) === 'primitives' && layerOf(to) !== 'primitives');
    expect(primitivesOut.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });
});
