import { ToolError, type ToolDef } from '../../tools-api/world.ts';
import { wellFormed } from '../input/bounds.ts';
import { SpoiledWorld, type CommandContext } from './context.ts';

export interface CallResult {
  ok: boolean;
  status: number;
  result?: unknown;
  error?: { code: string; message: string; field?: string };
}

/** A refused call's outcome. Messages may quote what the agent sent, cut anywhere: they are
 * recorded well-formed, so the event can always be hashed. */
export const failure = (status: number, code: string, message: string, field?: string): CallResult => ({
  ok: false,
  status,
  error: { code, message: wellFormed(message), ...(field ? { field: wellFormed(field) } : {}) },
});

/** Runs a tool inside a command. A refusal discards the tool's events and their effects on the
 * working state, but still records what the refusal asks to keep (e.g. `access.denied`). Tools
 * check before they act, so a refusal after events is rare: only then is the world copied. */
export function runTool(ctx: CommandContext, tool: ToolDef, args: unknown): CallResult {
  const before = ctx.events.length;
  const saved = ctx.careful ? structuredClone(ctx.state) : null;
  try {
    return { ok: true, status: 200, result: tool.run(args, ctx) };
  } catch (err) {
    if (!(err instanceof ToolError)) throw err;
    if (ctx.events.length > before) {
      if (!saved) throw new SpoiledWorld();
      ctx.events.splice(before);
      ctx.state = saved;
    }
    for (const kept of err.keep) ctx.emit(kept);
    return failure(err.status, err.code, err.message, err.field);
  }
}
