import { z } from 'zod';
import { deepFreeze } from '../primitives/freeze.ts';
import type { ToolDef } from './world.ts';

const jsonSchemas = new WeakMap<ToolDef, Record<string, unknown>>();

/** The JSON Schema of a tool's arguments, as a caller writes them (defaults are optional).
 * Computed once per tool (every tools/list needs it) and frozen, since it is shared. */
export function inputJsonSchema(tool: ToolDef): Record<string, unknown> {
  let schema = jsonSchemas.get(tool);
  if (!schema) {
    const { $schema: _drop, ...rest } = z.toJSONSchema(tool.input, { io: 'input' }) as Record<string, unknown>;
    // A tool without arguments takes none: strict-mode clients need this said to stay strict.
    const empty = rest.type === 'object' && Object.keys((rest.properties ?? {}) as object).length === 0;
    schema = deepFreeze(empty ? { ...rest, additionalProperties: false } : rest);
    jsonSchemas.set(tool, schema);
  }
  return schema;
}

/** The plain description of a tool, the form every adapter starts from. */
export function describeTool(tool: ToolDef) {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    read_only: tool.readOnly,
    hints: tool.hints,
    input_schema: inputJsonSchema(tool),
  };
}

/** Validates a call's arguments. A null for an optional argument means "not given": OpenAI strict
 * mode sends null for every optional argument the model leaves out. */
export function parseToolArgs(tool: ToolDef, raw: unknown) {
  const shape = (tool.input as { shape?: Record<string, z.ZodType> }).shape;
  if (!shape || typeof raw !== 'object' || raw === null || Array.isArray(raw)) return tool.input.safeParse(raw);
  const args = Object.fromEntries(
    Object.entries(raw).filter(([key, value]) => !(value === null && Object.hasOwn(shape, key) && shape[key].safeParse(undefined).success && !shape[key].safeParse(null).success)),
  );
  return tool.input.safeParse(args);
}
