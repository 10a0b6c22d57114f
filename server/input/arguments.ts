import type { Rejection } from '../engine/engine.ts';
import { sizeText, type OversizedBody } from './body.ts';
import { clippedText } from './bounds.ts';

/** What the agent plane takes as one request body (tool arguments, a message, an MCP message). */
export const AGENT_BODY_LIMIT = 1024 * 1024;

/** A tool call's arguments from the body's text, or why they cannot be read (then the call is
 * recorded refused, with the text as sent, clipped). */
export function argumentsFromText(text: string): { args: unknown; rejection?: Rejection } {
  if (!text.trim()) return { args: {} };
  try {
    return { args: JSON.parse(text) };
  } catch (err) {
    const message = `body: not valid JSON (${(err as Error).message}); send the tool's arguments as a JSON object`;
    return { args: { unparsed_body: clippedText(text) }, rejection: { status: 400, code: 'invalid_json', message } };
  }
}

/** A body over the limit, as a refused call: its size and first bytes are what is recorded. */
export function oversizedCall(body: OversizedBody, what = 'tool arguments'): { args: unknown; rejection: Rejection } {
  const bytes = body.cutOff ? `more than ${body.bytes.toLocaleString('en-US')}` : body.bytes.toLocaleString('en-US');
  const message = `body: ${bytes} bytes is over the ${sizeText(AGENT_BODY_LIMIT)} limit for ${what}; send less`;
  return { args: { oversized_body_bytes: body.bytes, body_start: clippedText(body.prefix, 1024) }, rejection: { status: 413, code: 'body_too_large', message } };
}
