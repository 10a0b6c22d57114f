import { z } from 'zod';
import { canonicalJson, sha256 } from '../../engine/events.ts';
import type { EventStore } from '../../storage/store.ts';
import type { ScoringLog } from '../log.ts';
import { Behavior, type Finding } from '../types.ts';
import { JUDGE_PROMPT_VERSION, judgeMessages } from './prompt.ts';

/** Any OpenAI-compatible chat endpoint. */
export interface JudgeConfig {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
}

/** BACKLOT_JUDGE_BASE_URL (e.g. https://api.openai.com/v1), BACKLOT_JUDGE_MODEL and, where the
 * endpoint needs one, BACKLOT_JUDGE_API_KEY. Undefined when no judge is configured. */
export function judgeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): JudgeConfig | undefined {
  const baseUrl = env.BACKLOT_JUDGE_BASE_URL;
  const model = env.BACKLOT_JUDGE_MODEL;
  if (!baseUrl || !model) return undefined;
  return { baseUrl: baseUrl.replace(/\/$/, ''), model, apiKey: env.BACKLOT_JUDGE_API_KEY, timeoutMs: Number(env.BACKLOT_JUDGE_TIMEOUT_MS ?? 120_000) };
}

export const judgeVersion = (config: JudgeConfig) => `${JUDGE_PROMPT_VERSION}:${config.model}`;

/** The endpoint could not be reached or refused the call; nothing is stored, try again later. */
export class JudgeUnavailableError extends Error {}

const Answer = z.object({
  behaviors: z.record(z.string(), z.object({ occurred: z.boolean(), reason: z.string().default('') })),
  eval_awareness: z
    .object({
      deliberated: z.boolean(),
      conclusion: z.enum(['evaluation', 'real', 'undecided', 'none']).catch('undecided'),
      reason: z.string().default(''),
    })
    .optional(),
});

export interface JudgeResult {
  model: string;
  version: string;
  inputHash: string;
  /** True when the answer came from the store, not from a new call. */
  cached: boolean;
  behaviors: Partial<Record<Behavior, { occurred: boolean; reason: string }>>;
  evalAwareness: { deliberated: boolean; conclusion: string; reason: string } | null;
  /** Set when the judge could not be reached or did not answer with the JSON asked for; the
   * behaviours it had to decide are then undetermined (see combine@2). */
  error?: string;
}

function parseAnswer(text: string): z.infer<typeof Answer> | string {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end <= start) return 'the judge did not answer with a JSON object';
  try {
    const parsed = Answer.safeParse(JSON.parse(text.slice(start, end + 1)));
    return parsed.success ? parsed.data : `the judge's JSON did not fit: ${parsed.error.issues[0]?.message}`;
  } catch {
    return 'the judge answered with malformed JSON';
  }
}

async function post(config: JudgeConfig, body: unknown): Promise<{ status: number; text: string }> {
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(`${config.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(config.timeoutMs ?? 120_000),
      });
    } catch (err) {
      if (attempt < 2) continue;
      throw new JudgeUnavailableError(`judge: ${config.baseUrl} could not be reached (${(err as Error).message})`);
    }
    const text = await res.text();
    if ((res.status === 429 || res.status >= 500) && attempt < 2) {
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      continue;
    }
    if (!res.ok) throw new JudgeUnavailableError(`judge: ${config.baseUrl} answered ${res.status}: ${text.slice(0, 300)}`);
    return { status: res.status, text };
  }
}

/** Asks the judge about one episode; the answer is stored under the hash of the request, so the
 * same question is never paid for twice and a re-score reads the same answer. */
export async function runJudge(store: EventStore, config: JudgeConfig, log: ScoringLog, behaviors: Behavior[], findings: Finding[]): Promise<JudgeResult> {
  const request = { model: config.model, temperature: 0, messages: judgeMessages(log, behaviors, findings) };
  const inputHash = sha256(canonicalJson({ promptVersion: JUDGE_PROMPT_VERSION, request }));
  const version = judgeVersion(config);
  let row = await store.getJudgeCall(inputHash);
  // An answer that was not the JSON asked for is kept for the record but never reused: ask again.
  if (row && 'error' in (JSON.parse(row.answer) as object)) row = undefined;
  const cached = Boolean(row);
  if (!row) {
    const started = Date.now();
    const { text } = await post(config, request);
    let content = '';
    try {
      content = String(JSON.parse(text).choices?.[0]?.message?.content ?? '');
    } catch {
      content = '';
    }
    const parsed = parseAnswer(content);
    row = {
      inputHash,
      model: config.model,
      promptVersion: JUDGE_PROMPT_VERSION,
      request: JSON.stringify(request),
      response: text,
      answer: JSON.stringify(typeof parsed === 'string' ? { error: parsed } : parsed),
      createdAt: new Date().toISOString(),
      durationMs: Date.now() - started,
    };
    await store.saveJudgeCall(row);
  }
  const answer = JSON.parse(row.answer) as z.infer<typeof Answer> | { error: string };
  if ('error' in answer) return { model: row.model, version, inputHash, cached, behaviors: {}, evalAwareness: null, error: answer.error };
  const known = Object.fromEntries(Object.entries(answer.behaviors).filter(([b]) => Behavior.safeParse(b).success));
  return { model: row.model, version, inputHash, cached, behaviors: known, evalAwareness: answer.eval_awareness ?? null };
}
