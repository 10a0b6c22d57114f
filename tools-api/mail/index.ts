import { z } from 'zod';
import type { LoggedEvent } from '../../server/engine/events.ts';
import { defineTool, ToolError, type CompanySystem, type Mailbox, type Message, type Routing, type ToolContext, type WorldState } from '../world.ts';
import { resolveAttachments } from './attach.ts';
import { filed, sendMessage, type Outgoing } from './send.ts';
import { byDate, forwardedBlock, fullMessage, summarize } from './view.ts';
import { own } from '../own.ts';

const Address = z.email({ error: 'must be an email address like name@company.com' });
const Recipients = z
  .union([Address, z.array(Address).min(1)])
  .describe('One email address, or a list of addresses');
const OptionalRecipients = z.union([Address, z.array(Address)]).describe('One email address, or a list of addresses');
const PageSize = z.number().int().min(1).max(100).default(20).describe('How many messages per page (1-100)');
const PageToken = z.string().regex(/^\d+$/, 'use the next_page_token from the previous page').optional().describe('The next_page_token of the previous page');
const EmailId = z.string().min(1).describe('The id of a message, as listed by list_emails or search_emails');

const AttachmentIds = z
  .array(z.string().min(1).max(200))
  .max(20)
  .optional()
  .describe('Files to attach: attachment_id values from read_email, or document_id values from the file share');

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function mailbox(state: WorldState): Mailbox {
  return state.mail.mailboxes[state.agent.email] ?? { inbox: [], sent: [], read: {} };
}

/** A message the agent may see: it received it or sent it. */
function visibleMessage(state: WorldState, id: string): Message {
  const box = mailbox(state);
  const m = own(state.mail.messages, id);
  if (!m || !(box.inbox.includes(id) || box.sent.includes(id))) {
    throw new ToolError('email_not_found', `email_id: no message with id "${id}" in your mailbox. Use list_emails or search_emails to find message ids.`, 404, 'email_id');
  }
  return m;
}

function folderIds(state: WorldState, folder: 'inbox' | 'sent' | 'all'): string[] {
  const box = mailbox(state);
  if (folder === 'inbox') return box.inbox;
  if (folder === 'sent') return box.sent;
  return [...box.inbox, ...box.sent.filter((id) => !box.inbox.includes(id))];
}

function page(state: WorldState, ids: string[], order: 'newest_first' | 'oldest_first', pageSize: number, pageToken?: string) {
  const messages = byDate(state, ids);
  if (order === 'newest_first') messages.reverse();
  const start = pageToken ? Number(pageToken) : 0;
  const slice = messages.slice(start, start + pageSize);
  const next = start + pageSize < messages.length ? String(start + pageSize) : null;
  return {
    messages: slice.map((m) => summarize(state, m, state.agent.email)),
    result_size_estimate: messages.length,
    next_page_token: next,
  };
}

function markRead(ctx: ToolContext, ids: string[]): void {
  const box = mailbox(ctx.state);
  const unread = ids.filter((id) => !box.read[id] && box.inbox.includes(id));
  if (unread.length) ctx.emit({ type: 'mail.read', data: { mailbox: ctx.state.agent.email, messageIds: unread } });
}

function sentResult(ctx: ToolContext, out: { message: Message; routing: Routing }) {
  return {
    id: out.message.id,
    thread_id: out.message.threadId,
    message_id: out.message.messageId,
    date: out.message.date,
    status: 'sent',
  };
}

const prefixed = (prefix: string, subject: string) =>
  subject.toLowerCase().startsWith(prefix.toLowerCase()) ? subject : `${prefix} ${subject}`;

function matches(m: Message, terms: { field?: 'from' | 'to' | 'subject'; text: string }[]): boolean {
  return terms.every(({ field, text }) => {
    const t = text.toLowerCase();
    if (field === 'from') return m.from.includes(t);
    if (field === 'to') return [...m.to, ...m.cc].some((a) => a.includes(t));
    if (field === 'subject') return m.subject.toLowerCase().includes(t);
    const hay = [m.from, ...m.to, ...m.cc, m.subject, m.body, ...m.attachments.map((a) => a.filename + ' ' + a.content)];
    return hay.some((h) => h.toLowerCase().includes(t));
  });
}

function parseQuery(query: string) {
  const terms: { field?: 'from' | 'to' | 'subject'; text: string }[] = [];
  const re = /(?:(from|to|subject):)?(?:"([^"]*)"|(\S+))/gi;
  for (const m of query.matchAll(re)) {
    const text = m[2] ?? m[3];
    if (text) terms.push({ field: m[1]?.toLowerCase() as 'from' | 'to' | 'subject' | undefined, text });
  }
  return terms;
}

const tools = [
  defineTool({
    name: 'list_emails',
    system: 'mail',
    title: 'List emails',
    description: 'List messages in your mailbox, newest first unless asked otherwise. Returns summaries; use read_email for the full text.',
    readOnly: true,
    hints: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
    input: z.object({
      folder: z.enum(['inbox', 'sent', 'all']).default('inbox').describe('Which folder to list'),
      unread_only: z.boolean().default(false).describe('Only messages you have not read yet'),
      order: z.enum(['newest_first', 'oldest_first']).default('newest_first').describe('Sort order by date'),
      page_size: PageSize,
      page_token: PageToken,
    }),
    run(args, ctx) {
      const box = mailbox(ctx.state);
      let ids = folderIds(ctx.state, args.folder);
      if (args.unread_only) ids = ids.filter((id) => box.inbox.includes(id) && !box.read[id]);
      return {
        folder: args.folder,
        unread_count: box.inbox.filter((id) => !box.read[id]).length,
        ...page(ctx.state, ids, args.order, args.page_size, args.page_token),
      };
    },
  }),
  defineTool({
    name: 'read_email',
    system: 'mail',
    title: 'Read an email',
    description: 'Open one message: headers, full body and attachments. Marks it as read.',
    readOnly: true,
    hints: { readOnly: false, destructive: false, idempotent: true, openWorld: false },
    input: z.object({ email_id: EmailId }),
    run(args, ctx) {
      const m = visibleMessage(ctx.state, args.email_id);
      markRead(ctx, [m.id]);
      return fullMessage(ctx.state, m, ctx.state.agent.email);
    },
  }),
  defineTool({
    name: 'search_emails',
    system: 'mail',
    title: 'Search emails',
    description:
      'Search your mailbox. Words must all appear (in sender, recipients, subject, body or attachments). ' +
      'Use from:, to: or subject: to narrow a word to one field, and quotes for a phrase, e.g. from:kyle "board meeting".',
    readOnly: true,
    hints: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
    input: z.object({
      query: z.string().min(1).max(500).describe('Search words, optionally with from:, to:, subject: and "quoted phrases"'),
      folder: z.enum(['inbox', 'sent', 'all']).default('all').describe('Which folder to search'),
      order: z.enum(['newest_first', 'oldest_first']).default('newest_first').describe('Sort order by date'),
      page_size: PageSize,
      page_token: PageToken,
    }),
    run(args, ctx) {
      const terms = parseQuery(args.query);
      const ids = folderIds(ctx.state, args.folder).filter((id) => matches(ctx.state.mail.messages[id], terms));
      return { query: args.query, ...page(ctx.state, ids, args.order, args.page_size, args.page_token) };
    },
  }),
  defineTool({
    name: 'send_email',
    system: 'mail',
    title: 'Send an email',
    description: 'Send a new message from your mailbox to colleagues or outside addresses.',
    readOnly: false,
    hints: { readOnly: false, destructive: false, idempotent: false, openWorld: true },
    input: z.object({
      to: Recipients,
      cc: OptionalRecipients.optional(),
      bcc: OptionalRecipients.optional(),
      subject: z.string().max(998).describe('Subject line'),
      body: z.string().max(200_000).describe('Plain-text body'),
      attachments: AttachmentIds,
    }),
    run(args, ctx) {
      const attachments = resolveAttachments(ctx.state, args.attachments ?? [], 'send_email');
      const out = sendMessage(
        ctx,
        { from: ctx.state.agent.email, to: asList(args.to), cc: asList(args.cc), bcc: asList(args.bcc), subject: args.subject, body: args.body, attachments },
        'agent',
      );
      return sentResult(ctx, out);
    },
  }),
  defineTool({
    name: 'reply_to_email',
    system: 'mail',
    title: 'Reply to an email',
    description: 'Reply to a message in your mailbox, in the same thread. reply_all also copies everyone on the original.',
    readOnly: false,
    hints: { readOnly: false, destructive: false, idempotent: false, openWorld: true },
    input: z.object({
      email_id: EmailId,
      body: z.string().max(200_000).describe('Plain-text body of your reply'),
      reply_all: z.boolean().default(false).describe('Also reply to everyone the original was sent to'),
      cc: OptionalRecipients.optional(),
      attachments: AttachmentIds,
    }),
    run(args, ctx) {
      const original = visibleMessage(ctx.state, args.email_id);
      const attachments = resolveAttachments(ctx.state, args.attachments ?? [], 'reply_to_email');
      const me = ctx.state.agent.email;
      const to = original.from === me ? original.to : [original.from];
      const others = args.reply_all ? [...original.to, ...original.cc].filter((a) => a !== me && !to.includes(a)) : [];
      const out = sendMessage(
        ctx,
        {
          from: me,
          to,
          cc: [...others, ...asList(args.cc)],
          subject: prefixed('Re:', original.subject),
          body: args.body,
          inReplyTo: original.messageId,
          threadId: original.threadId,
          attachments,
        },
        'agent',
      );
      return sentResult(ctx, out);
    },
  }),
  defineTool({
    name: 'forward_email',
    system: 'mail',
    title: 'Forward an email',
    description: 'Forward a message, with its full text and attachments, to other recipients, optionally with a note above it.',
    readOnly: false,
    hints: { readOnly: false, destructive: false, idempotent: false, openWorld: true },
    input: z.object({
      email_id: EmailId,
      to: Recipients,
      cc: OptionalRecipients.optional(),
      body: z.string().max(200_000).default('').describe('Your note above the forwarded message'),
    }),
    run(args, ctx) {
      const original = visibleMessage(ctx.state, args.email_id);
      const note = args.body.trim() ? args.body.trimEnd() + '\n\n' : '';
      const out = sendMessage(
        ctx,
        {
          from: ctx.state.agent.email,
          to: asList(args.to),
          cc: asList(args.cc),
          subject: prefixed('Fwd:', original.subject),
          body: note + forwardedBlock(ctx.state, original),
          attachments: original.attachments.map(({ id: _id, ...copy }) => copy),
        },
        'agent',
      );
      return { ...sentResult(ctx, out), forwarded_id: original.id, attachments_included: original.attachments.length };
    },
  }),
];

function ensureMailbox(state: WorldState, address: string): Mailbox {
  return (state.mail.mailboxes[address] ??= { inbox: [], sent: [], read: {} });
}

export const mail: CompanySystem = {
  name: 'mail',
  core: true,
  tools,
  actions: {
    // Mail written by the storyline (or an NPC) for a later time arrives when the clock gets there.
    'mail.deliver': (ctx, payload) => void sendMessage(ctx, payload.message as Outgoing, 'world'),
  },
  apply(state, event: LoggedEvent) {
    if (event.type === 'mail.sent') {
      const { message, routing } = event.data as { message: Message; routing: Routing };
      filed(state.mail.messages, message);
      if (message.from === state.agent.email || state.directory.people[message.from]?.external === false) {
        ensureMailbox(state as WorldState, message.from).sent.push(message.id);
      }
      for (const address of routing.delivered) ensureMailbox(state as WorldState, address).inbox.push(message.id);
      for (const to of routing.external) state.mail.outbound.push({ messageId: message.id, to, at: event.simTime });
    } else if (event.type === 'mail.read') {
      const { mailbox: address, messageIds } = event.data as { mailbox: string; messageIds: string[] };
      const box = ensureMailbox(state as WorldState, address);
      for (const id of messageIds) box.read[id] = true;
    }
  },
};
