/** The fetch the client uses: the global one, or any stand-in (e.g. one that serves requests
 * in-process without a socket). */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** A refusal from Backlot (or no answer at all: status 0). The message is the server's, which
 * names the field and the fix. */
export class BacklotApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'BacklotApiError';
  }
}

export interface HttpOptions {
  baseUrl: string;
  fetch?: Fetch;
}

export interface RequestOptions {
  token: string;
  body?: unknown;
  /** Sent as-is with this content type instead of as JSON. */
  text?: { body: string; contentType: string };
  query?: Record<string, string | number | boolean | undefined>;
}

/** One HTTP exchange with Backlot: bearer token, JSON in and out, errors as BacklotApiError. */
export class Http {
  readonly baseUrl: string;
  private readonly fetchFn: Fetch;

  constructor(opts: HttpOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? ((url, init) => fetch(url, init));
  }

  url(path: string, query?: RequestOptions['query']): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
    const q = params.toString();
    return `${this.baseUrl}${path}${q ? `?${q}` : ''}`;
  }

  /** The raw response, for callers that read a non-JSON body or treat a 4xx as an answer. */
  async send(method: string, path: string, opts: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.token}` };
    let body: string | undefined;
    if (opts.text) {
      headers['content-type'] = opts.text.contentType;
      body = opts.text.body;
    } else if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    try {
      return await this.fetchFn(this.url(path, opts.query), { method, headers, body });
    } catch (err) {
      const c = (err as { cause?: { code?: string; message?: string } }).cause;
      const cause = c?.code ?? c?.message ?? (err as Error).message;
      throw new BacklotApiError(0, 'unreachable', `${method} ${this.baseUrl}${path}: no answer from Backlot (${cause}); is the server running at ${this.baseUrl}?`);
    }
  }

  async json<T>(method: string, path: string, opts: RequestOptions): Promise<T> {
    const res = await this.send(method, path, opts);
    if (!res.ok) throw await apiError(res);
    return (await res.json()) as T;
  }

  async textBody(method: string, path: string, opts: RequestOptions): Promise<string> {
    const res = await this.send(method, path, opts);
    if (!res.ok) throw await apiError(res);
    return res.text();
  }
}

export async function apiError(res: Response): Promise<BacklotApiError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; field?: string } };
    if (body.error?.message) return new BacklotApiError(res.status, body.error.code ?? 'error', body.error.message, body.error.field);
  } catch {
    // not JSON: fall through to the text itself
  }
  return new BacklotApiError(res.status, 'error', `${res.status} ${res.statusText}: ${text.slice(0, 300)}`);
}
