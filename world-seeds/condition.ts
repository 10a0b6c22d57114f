import { matchesWhen, type EpisodeMode } from '../primitives/schema.ts';
import type { Storyline } from './schema.ts';

export { matchesWhen };

/** A bad request about a condition: names the variable and says what is allowed. */
export class ConditionError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The mode a value of an axis means (autonomous unless the axis says otherwise). */
const modeOf = (axis: Storyline['axes'][string], value: string): EpisodeMode => axis.mode?.[value] ?? 'autonomous';

/**
 * Fixes every axis: defaults, then the requested values; axes that do not apply become "none".
 * An episode mode, when given, chooses the value of an axis that states the mode (oversight:
 * approval → reviewed), so the prompt always says how the episode runs; a requested value that
 * says otherwise is a contradiction.
 */
export function resolveAxes(story: Storyline, requested: Record<string, string> = {}, mode?: EpisodeMode): Record<string, string> {
  for (const name of Object.keys(requested)) {
    if (!Object.hasOwn(story.axes, name)) {
      const known = Object.keys(story.axes);
      throw new ConditionError(
        `variables.${name}`,
        `variables.${name}: storyline ${story.id} has no axis "${name}"; its axes are ${known.length ? known.join(', ') : '(none)'}`,
      );
    }
  }
  const vars: Record<string, string> = {};
  for (const [name, axis] of Object.entries(story.axes)) {
    let value = requested[name] ?? axis.default;
    if (mode && axis.mode && requested[name] === undefined && modeOf(axis, value) !== mode) {
      const fitting = axis.values.find((v) => modeOf(axis, v) === mode);
      if (!fitting) throw new ConditionError('mode', `mode: storyline ${story.id} has no value of ${name} for mode ${mode}; its values mean ${axis.values.map((v) => `${v}=${modeOf(axis, v)}`).join(', ')}`);
      value = fitting;
    }
    if (!axis.values.includes(value) && !(value === 'none' && axis.only_when)) {
      throw new ConditionError(`variables.${name}`, `variables.${name}: "${value}" is not a value of this axis; use one of ${axis.values.join(', ')}`);
    }
    if (mode && axis.mode && modeOf(axis, value) !== mode) {
      throw new ConditionError(`variables.${name}`, `variables.${name}: "${value}" means mode ${modeOf(axis, value)}, but mode ${mode} was asked for; leave one of the two out`);
    }
    vars[name] = value;
  }
  // Axes that apply only under other values are fixed to "none" elsewhere; an explicit request
  // for a value there is a contradiction, not something to drop silently.
  for (const [name, axis] of Object.entries(story.axes)) {
    if (!axis.only_when) continue;
    if (matchesWhen(axis.only_when, vars)) {
      if (!axis.values.includes(vars[name])) {
        throw new ConditionError(`variables.${name}`, `variables.${name}: "${vars[name]}" is not a value of this axis here; use one of ${axis.values.join(', ')}`);
      }
      continue;
    }
    if (requested[name] !== undefined && requested[name] !== 'none') {
      const cond = Object.entries(axis.only_when)
        .map(([a, v]) => `${a} is ${Array.isArray(v) ? v.join(' or ') : v}`)
        .join(' and ');
      throw new ConditionError(`variables.${name}`, `variables.${name}: applies only when ${cond}; leave it out or set it to none`);
    }
    vars[name] = 'none';
  }
  return vars;
}

/** The episode mode a resolved condition means: the one its mode-stating axis names, else autonomous. */
export function modeOfCondition(story: Storyline, vars: Record<string, string>): EpisodeMode {
  for (const [name, axis] of Object.entries(story.axes)) if (axis.mode) return modeOf(axis, vars[name]);
  return 'autonomous';
}

/** Adds the derived variables: for each, the first rule whose `when` matches. */
export function deriveVariables(story: Storyline, axes: Record<string, string>): Record<string, string> {
  const vars = { ...axes };
  for (const [name, rules] of Object.entries(story.derived)) {
    const rule = rules.find((r) => matchesWhen(r.when, vars));
    if (!rule) throw new Error(`storyline ${story.id}: derived.${name}: no rule matches ${JSON.stringify(axes)}; add a last rule without when`);
    const source = vars[rule.from];
    if (source === undefined) throw new Error(`storyline ${story.id}: derived.${name}.from: unknown variable "${rule.from}"`);
    const value = rule.map ? (Object.hasOwn(rule.map, source) ? rule.map[source] : undefined) : source;
    if (value === undefined) throw new Error(`storyline ${story.id}: derived.${name}.map: no entry for "${source}"`);
    vars[name] = value;
  }
  return vars;
}

/** storyline_explicit-america_replacement, then `_axis-value` for other axes off their default. */
export function conditionId(story: Storyline, vars: Record<string, string>): string {
  const named = new Set(story.condition_id.flat());
  const parts = [story.id, ...story.condition_id.map((group) => group.map((a) => vars[a]).join('-'))];
  for (const [name, axis] of Object.entries(story.axes)) {
    if (named.has(name)) continue;
    if (vars[name] !== axis.default && !(axis.only_when && vars[name] === 'none')) parts.push(`${name}-${vars[name]}`);
  }
  return parts.join('_');
}

/** The cross product of some axes' values (others fixed by `base`), with non-applicable axes
 * collapsed to "none"; keyed by condition id, so repeats fall away. */
function crossProduct(story: Storyline, cross: Record<string, readonly string[]>, base: Record<string, string>, into: Map<string, Record<string, string>>): void {
  let combos: Record<string, string>[] = [{ ...base }];
  for (const [name, values] of Object.entries(cross)) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  for (const combo of combos) {
    const vars: Record<string, string> = { ...combo };
    for (const [name, axis] of Object.entries(story.axes)) if (axis.only_when && !matchesWhen(axis.only_when, vars)) vars[name] = 'none';
    const id = conditionId(story, vars);
    if (!into.has(id)) into.set(id, vars);
  }
}

/** The base condition a design varies from: each axis's default unless the design names it. */
export function designBase(story: Storyline): Record<string, string> {
  return Object.fromEntries(Object.entries(story.axes).map(([name, axis]) => [name, story.design?.base[name] ?? axis.default]));
}

/**
 * The conditions a storyline declares: the union of its design's sets (each a cross product of
 * some axes, the others at the base condition), or every combination when it has no design.
 * Any other combination can still be asked for by naming its axis values.
 */
export function declaredConditions(story: Storyline): Record<string, string>[] {
  const out = new Map<string, Record<string, string>>();
  const base = designBase(story);
  const sets = story.design?.sets.map((s) => s.cross) ?? [Object.fromEntries(Object.keys(story.axes).map((a) => [a, 'all' as const]))];
  for (const cross of sets) {
    const values = Object.fromEntries(Object.entries(cross).map(([name, v]) => [name, v === 'all' ? (story.axes[name]?.values ?? []) : v]));
    crossProduct(story, values, base, out);
  }
  return [...out.values()];
}

/** The axes that derived variables and `only_when` depend on. */
export function variableAxes(story: Storyline): Set<string> {
  const axes = new Set<string>();
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    if (name in story.axes) {
      axes.add(name);
      for (const a of Object.keys(story.axes[name].only_when ?? {})) visit(a);
      return;
    }
    for (const rule of story.derived[name] ?? []) {
      visit(rule.from);
      for (const a of Object.keys(rule.when ?? {})) visit(a);
    }
  };
  for (const name of Object.keys(story.derived)) visit(name);
  for (const [name, axis] of Object.entries(story.axes)) if (axis.only_when) visit(name);
  return axes;
}

/** Every combination of the axes that derived variables and `only_when` depend on (others at
 * their default): enough to know every value each variable can take, without the full factorial. */
export function variableCombinations(story: Storyline): Record<string, string>[] {
  const out = new Map<string, Record<string, string>>();
  const defaults = Object.fromEntries(Object.entries(story.axes).map(([n, a]) => [n, a.default]));
  crossProduct(story, Object.fromEntries([...variableAxes(story)].map((a) => [a, story.axes[a].values])), defaults, out);
  return [...out.values()];
}
