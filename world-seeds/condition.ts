import type { Storyline, When } from './schema.ts';

/** A bad request about a condition: names the variable and says what is allowed. */
export class ConditionError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function matchesWhen(when: When | undefined, vars: Record<string, string>): boolean {
  if (!when) return true;
  return Object.entries(when).every(([axis, want]) => (Array.isArray(want) ? want.includes(vars[axis]) : vars[axis] === want));
}

/** Fixes every axis: defaults, then the requested values; axes that do not apply become "none". */
export function resolveAxes(story: Storyline, requested: Record<string, string> = {}): Record<string, string> {
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
    const value = requested[name] ?? axis.default;
    if (!axis.values.includes(value) && !(value === 'none' && axis.only_when)) {
      throw new ConditionError(`variables.${name}`, `variables.${name}: "${value}" is not a value of this axis; use one of ${axis.values.join(', ')}`);
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

/** Every condition of a storyline (the full cross product, with non-applicable axes collapsed). */
export function allConditions(story: Storyline): Record<string, string>[] {
  let combos: Record<string, string>[] = [{}];
  for (const [name, axis] of Object.entries(story.axes)) {
    combos = combos.flatMap((c) => axis.values.map((v) => ({ ...c, [name]: v })));
  }
  const seen = new Map<string, Record<string, string>>();
  for (const combo of combos) {
    const vars: Record<string, string> = { ...combo };
    for (const [name, axis] of Object.entries(story.axes)) if (axis.only_when && !matchesWhen(axis.only_when, vars)) vars[name] = 'none';
    const id = conditionId(story, vars);
    if (!seen.has(id)) seen.set(id, vars);
  }
  return [...seen.values()];
}
