import { z } from 'zod';
import { deepFreeze } from '../../primitives/freeze.ts';
import { describeTool } from '../schemas.ts';
import type { ToolDef } from '../world.ts';
import { anthropicTool } from './anthropic.ts';
import { mcpTool } from './mcp.ts';
import { openaiChatTool, openaiResponsesTool } from './openai.ts';

/** Every shape the one definition of a tool is served in (GET /v1/agent/tools?format=). */
export const ToolFormat = z
  .enum(['backlot', 'mcp', 'openai', 'openai-strict', 'openai-responses', 'openai-responses-strict', 'anthropic'])
  .describe('backlot (default), mcp, openai (chat completions), openai-strict, openai-responses, openai-responses-strict, anthropic');
export type ToolFormat = z.infer<typeof ToolFormat>;

const adapters: Record<ToolFormat, (tool: ToolDef) => unknown> = {
  backlot: describeTool,
  mcp: mcpTool,
  openai: (t) => openaiChatTool(t),
  'openai-strict': (t) => openaiChatTool(t, true),
  'openai-responses': (t) => openaiResponsesTool(t),
  'openai-responses-strict': (t) => openaiResponsesTool(t, true),
  anthropic: anthropicTool,
};

/** Exported tool lists by format and tool set: an episode's shape, not each call, builds one. */
const exported = new Map<string, readonly unknown[]>();

/** The tools in one format; shared between callers and frozen, so nobody may edit it. */
export function exportTools(tools: readonly ToolDef[], format: ToolFormat): readonly unknown[] {
  const key = `${format}:${tools.map((t) => t.name).join(',')}`;
  let list = exported.get(key);
  if (!list) {
    list = deepFreeze(tools.map(adapters[format]));
    exported.set(key, list);
  }
  return list;
}
