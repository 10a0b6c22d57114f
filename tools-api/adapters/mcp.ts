import { inputJsonSchema } from '../schemas.ts';
import type { ToolDef } from '../world.ts';

/** A tool as MCP `tools/list` describes it; the annotations say what a call does to the world. */
export function mcpTool(tool: ToolDef) {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: { ...inputJsonSchema(tool), type: 'object' as const },
    annotations: {
      title: tool.title,
      readOnlyHint: tool.hints.readOnly,
      destructiveHint: tool.hints.destructive,
      idempotentHint: tool.hints.idempotent,
      openWorldHint: tool.hints.openWorld,
    },
  };
}

interface Outcome {
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string; field?: string };
}

/** A recorded call as an MCP `tools/call` result: a refusal is a tool error the model reads,
 * never a protocol error. */
export function mcpCallResult(outcome: Outcome) {
  if (!outcome.ok) {
    return { isError: true, content: [{ type: 'text' as const, text: outcome.error?.message ?? 'the action failed' }] };
  }
  const result = outcome.result ?? {};
  const structured = typeof result === 'object' && result !== null && !Array.isArray(result);
  return {
    content: [{ type: 'text' as const, text: JSON.stringify(result, null, 2) }],
    ...(structured ? { structuredContent: result as Record<string, unknown> } : {}),
  };
}
