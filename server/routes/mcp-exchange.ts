import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { MAX_BATCH_SIZE } from '@modelcontextprotocol/sdk/server/requestBody.js';
import {
  isInitializeRequest,
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  JSONRPCMessageSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

/** What one POST /mcp comes to: a status and a JSON-RPC body (none for 202). */
export interface McpAnswer {
  status: number;
  body?: unknown;
}

/** The headers of a POST that the Streamable HTTP rules read. */
export interface McpHeaders {
  accept?: string;
  contentType?: string;
  protocolVersion?: string;
}

const refused = (status: number, code: number, message: string): McpAnswer => ({ status, body: { jsonrpc: '2.0', error: { code, message }, id: null } });

/**
 * The SDK's transport for one pooled Server, connected once and kept: each POST hands it its
 * messages and waits for their answers, with no web Request, Response or stream built per call
 * and no connect and close per request. The Server (handlers, schemas, negotiation) stays the
 * SDK's; the HTTP rules a stateless JSON-answering Streamable HTTP endpoint applies are in
 * `exchange`, with the SDK's own checks and limits. One request at a time per transport (the
 * pool's rule): JSON-RPC ids are only unique within one request.
 */
export class ExchangeTransport implements Transport {
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  private answers = new Map<RequestId, JSONRPCMessage | undefined>();
  private settle: (() => void) | null = null;
  private waitingFor = 0;

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.onclose?.();
  }

  /** The Server's answers: a response to one of the current request's ids (anything else, such
   * as a progress notification, has nowhere to go in a JSON answer, as with the SDK's transport). */
  async send(message: JSONRPCMessage): Promise<void> {
    if (!isJSONRPCResultResponse(message) && !isJSONRPCErrorResponse(message)) return;
    const id = message.id as RequestId;
    if (!this.answers.has(id) || this.answers.get(id) !== undefined) return;
    this.answers.set(id, message);
    if (--this.waitingFor === 0) this.settle?.();
  }

  /**
   * One POST: the body (already parsed) checked as the SDK's Streamable HTTP transport checks it,
   * its messages handed to the Server, and its answers collected in request order (202 when it
   * holds no request).
   */
  async exchange(raw: unknown, headers: McpHeaders, extra: MessageExtraInfo): Promise<McpAnswer> {
    const accept = headers.accept ?? '';
    if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
      return refused(406, -32000, 'Not Acceptable: Client must accept both application/json and text/event-stream');
    }
    if (!isJsonContentType(headers.contentType)) return refused(415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    if (Array.isArray(raw) && raw.length > MAX_BATCH_SIZE) return refused(400, -32600, `Invalid Request: Batch must not exceed ${MAX_BATCH_SIZE} messages`);
    const messages: JSONRPCMessage[] = [];
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      const parsed = JSONRPCMessageSchema.safeParse(item);
      if (!parsed.success) return refused(400, -32700, 'Parse error: Invalid JSON-RPC message');
      messages.push(parsed.data);
    }
    // A method name is checked first: only an initialize can be one, and the schema check is not free.
    const initializing = messages.some((m) => (m as { method?: unknown }).method === 'initialize' && isInitializeRequest(m));
    if (initializing && messages.length > 1) return refused(400, -32600, 'Invalid Request: Only one initialization request is allowed');
    const version = headers.protocolVersion;
    if (!initializing && version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      const message = `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`;
      return refused(400, -32000, message);
    }
    const requests = messages.filter((m) => isJSONRPCRequest(m)).map((m) => m.id as RequestId);
    if (requests.length === 0) {
      for (const message of messages) this.onmessage?.(message, extra);
      return { status: 202 };
    }
    this.answers = new Map(requests.map((id) => [id, undefined]));
    this.waitingFor = requests.length;
    const answered = new Promise<void>((resolve) => (this.settle = resolve));
    for (const message of messages) this.onmessage?.(message, extra);
    await answered;
    this.settle = null;
    const bodies = requests.map((id) => this.answers.get(id));
    this.answers = new Map();
    return { status: 200, body: bodies.length === 1 ? bodies[0] : bodies };
  }
}
