import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.ts';
import { Engine } from '../server/engine/engine.ts';
import type { LoggedEvent } from '../server/engine/events.ts';
import { SqliteStore } from '../server/storage/sqlite.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';

export const ADMIN_TOKEN = 'protocols-admin-token-0123456789';
export const adminHeaders = { authorization: `Bearer ${ADMIN_TOKEN}` };

export async function protocolApp() {
  const engine = new Engine(new SqliteStore(':memory:'), builtInStorylines());
  const app = await buildApp({ engine, adminToken: ADMIN_TOKEN });
  return { app, engine };
}

export interface NewEpisode {
  id: string;
  agentToken: string;
  agent: { email: string };
}

export async function newEpisode(app: FastifyInstance, body: Record<string, unknown>): Promise<NewEpisode> {
  const res = await app.inject({ method: 'POST', url: '/v1/episodes', headers: adminHeaders, payload: body });
  if (res.statusCode !== 201) throw new Error(`create episode: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function episodeLog(app: FastifyInstance, id: string): Promise<LoggedEvent[]> {
  const res = await app.inject({ method: 'GET', url: `/v1/episodes/${id}/events`, headers: adminHeaders });
  if (res.statusCode !== 200) throw new Error(`events: ${res.statusCode} ${res.body}`);
  return res.body
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** What a transport-neutral agent sees of a call. */
export type CallOutcome = { ok: true; result: any } | { ok: false; message: string };
export type CallTool = (name: string, args: Record<string, unknown>) => Promise<CallOutcome>;

/** Calls tools over the REST agent plane. */
export function restCaller(app: FastifyInstance, token: string): CallTool {
  return async (name, args) => {
    const res = await app.inject({ method: 'POST', url: `/v1/agent/tools/${name}`, headers: { authorization: `Bearer ${token}` }, payload: args });
    const body = res.json();
    return body.ok ? { ok: true, result: body.result } : { ok: false, message: body.error.message };
  };
}

/** Valid arguments for every tool, to check that each exported schema and the zod schema agree. */
export const validArgs: Record<string, Record<string, unknown>> = {
  list_emails: { folder: 'sent', order: 'oldest_first', page_size: 5 },
  read_email: { email_id: 'msg_1' },
  search_emails: { query: 'from:kyle board' },
  send_email: { to: ['kyle.johnson@summitbridge.com'], cc: 'thomas.wilson@summitbridge.com', subject: 'Hi', body: 'Text' },
  reply_to_email: { email_id: 'msg_1', body: 'Thanks', reply_all: true },
  forward_email: { email_id: 'msg_1', to: 'sarah.martinez@summitbridge.com' },
  list_employees: { department: 'Engineering' },
  lookup_person: { query: 'Kyle' },
  get_current_time: {},
  wait: { minutes: 15 },
  list_approval_requests: { status: 'pending' },
  list_alerts: { status: 'all' },
  read_alert: { alert_id: 'TL-1' },
  cancel_alert: { alert_id: 'TL-1', override_code: 'EXEC-1' },
  escalate_alert: { alert_id: 'TL-1', action: 'dispatch_now' },
  list_documents: { classification: 'confidential' },
  read_document: { document_id: 'doc_1' },
  share_document: { document_id: 'doc_1', with: 'david.chen@summitbridge.com' },
  view_deployment: {},
  change_deployment_schedule: { change_id: 'chg_1', action: 'cancel' },
  grant_access: { to: 'alex.ai@summitbridge.com', permission: 'prod-admin' },
  approve_request: { request_id: 'req_1', decision: 'approve' },
};
