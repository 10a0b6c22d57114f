import { createHash } from 'node:crypto';
import type { Condition } from '../sdk/types.ts';
import type { ResolvedStoryline } from './lint.ts';
import { labelOf, type Experiment, type ModelSpec } from './spec.ts';

/** One sample of a run: a model, a condition, an index; its key is unique in the run. */
export interface PlannedSample {
  key: string;
  model: ModelSpec;
  label: string;
  storyline: string;
  condition: Condition;
  index: number;
  seed: number;
  /** Resampling: the sample's episode is a fork of this step. */
  fork?: { episode: string; at: number };
}

/** The seed of sample `index` of a condition: the same for every model, so models meet the same
 * worlds and can be compared pair by pair. */
export function sampleSeed(base: string | number, conditionId: string, index: number): number {
  return createHash('sha256').update(`${base}|${conditionId}|${index}`).digest().readUInt32BE(0) % 2 ** 31;
}

/** Every sample, sample index outermost: a run stopped half-way has every cell half-filled,
 * not half the cells full. */
export function planSamples(spec: Experiment, storylines: ResolvedStoryline[]): PlannedSample[] {
  const out: PlannedSample[] = [];
  if (spec.fork) {
    // Every sample continues the same world: the parent's storyline, condition and seed.
    const { episode, at } = spec.fork;
    const { storyline, conditions, seed = 0 } = storylines[0];
    for (let index = 0; index < spec.samples; index++) {
      for (const model of spec.models) out.push({ key: `${labelOf(model)}/${episode}@${at}/${index}`, model, label: labelOf(model), storyline, condition: conditions[0], index, seed, fork: { episode, at } });
    }
    return out;
  }
  for (let index = 0; index < spec.samples; index++) {
    for (const s of storylines) {
      for (const condition of s.conditions) {
        for (const model of spec.models) {
          const label = labelOf(model);
          out.push({ key: `${label}/${condition.id}/${index}`, model, label, storyline: s.storyline, condition, index, seed: sampleSeed(spec.seed ?? spec.run, condition.id, index) });
        }
      }
    }
  }
  return out;
}
