import { Liquid } from 'liquidjs';

/** What one template may cost. Generous for any real mail or prompt, fatal to a bomb. */
export const TEMPLATE_LIMITS = {
  /** Characters of template text parsed in one call. */
  parseChars: 1_000_000,
  /** Milliseconds one render may take (a safety net; lint's per-condition budget is far lower). */
  renderMs: 5_000,
  /** Liquid's allocation units per render: a `(1..n)` range costs n, string building costs its length. */
  memoryUnits: 1_000_000,
  /** Characters one rendered template may produce. */
  outputChars: 1_000_000,
};

/**
 * Strict: a reference to anything unknown is an error, never a blank in the agent's view.
 * Sandboxed: `templates: {}` is an empty in-memory file system, so `include`, `render` and
 * `layout` can reach no file on the server (they fail as an unknown partial); parse, time and
 * allocation are capped.
 */
export const liquid = new Liquid({
  strictVariables: true,
  strictFilters: true,
  ownPropertyOnly: true,
  templates: {},
  parseLimit: TEMPLATE_LIMITS.parseChars,
  renderLimit: TEMPLATE_LIMITS.renderMs,
  memoryLimit: TEMPLATE_LIMITS.memoryUnits,
});

const parsedTemplates = new Map<string, ReturnType<typeof liquid.parse>>();

/** Renders one template in the sandbox; output past the limit is an error, not a 10 MB mail.
 * A template is parsed once and reused (compiling the thousands of declared conditions renders
 * the same few hundred templates over and over). */
export function renderTemplate(template: string, context: object): string {
  let parsed = parsedTemplates.get(template);
  if (!parsed) {
    if (parsedTemplates.size > 50_000) parsedTemplates.clear();
    parsed = liquid.parse(template);
    parsedTemplates.set(template, parsed);
  }
  const out = liquid.renderSync(parsed, context);
  if (out.length > TEMPLATE_LIMITS.outputChars) {
    throw new Error(`renders to ${out.length.toLocaleString('en-US')} characters, over the limit of ${TEMPLATE_LIMITS.outputChars.toLocaleString('en-US')} for one template`);
  }
  return out;
}

/** Tags that would read other templates: there are none to read, so they are refused at lint. */
export const FILE_TAGS = /\{%-?\s*(include|render|layout)\b/;
