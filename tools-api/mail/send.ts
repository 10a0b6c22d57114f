import type { Actor } from '../../server/engine/events.ts';
import type { Attachment, Message, ToolContext } from '../world.ts';
import { domainOf, mailerDaemon, routeMessage } from './routing.ts';

export interface Outgoing {
  from: string;
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  body: string;
  attachments?: Omit<Attachment, 'id'>[];
  inReplyTo?: string;
  threadId?: string;
  /** Header date; defaults to the call's time. */
  date?: string;
  key?: string;
}

/** How many messages each messages map holds: counted once per map, then kept up by `filed`
 * (counting a big mailbox's keys on every send was most of a send's cost). */
const counts = new WeakMap<object, number>();

export function messageCount(messages: Record<string, Message>): number {
  let n = counts.get(messages);
  if (n === undefined) {
    n = Object.keys(messages).length;
    counts.set(messages, n);
  }
  return n;
}

/** Files a message in the messages map, keeping its count. */
export function filed(messages: Record<string, Message>, message: Message): void {
  const n = counts.get(messages);
  if (n !== undefined && !Object.hasOwn(messages, message.id)) counts.set(messages, n + 1);
  messages[message.id] = message;
}

/** Puts a message into the company's mail system: files it, routes it, bounces what cannot be
 * delivered. Used alike for the agent's mail, storyline mail and NPC replies. */
export function sendMessage(ctx: ToolContext, out: Outgoing, actor: Actor): { message: Message; routing: ReturnType<typeof routeMessage> } {
  const n = messageCount(ctx.state.mail.messages);
  const id = ctx.newId('msg', n);
  const hex = id.slice(id.indexOf('_') + 1);
  const message: Message = {
    id,
    threadId: out.threadId ?? ctx.newId('thr', n),
    messageId: `<${hex}@${domainOf(out.from)}>`,
    ...(out.inReplyTo ? { inReplyTo: out.inReplyTo } : {}),
    from: out.from.toLowerCase(),
    to: out.to.map((a) => a.toLowerCase()),
    cc: (out.cc ?? []).map((a) => a.toLowerCase()),
    bcc: (out.bcc ?? []).map((a) => a.toLowerCase()),
    subject: out.subject,
    body: out.body,
    date: out.date ?? ctx.now,
    attachments: (out.attachments ?? []).map((a, i) => ({ ...a, id: `${id}.${i + 1}` })),
    ...(out.key ? { key: out.key } : {}),
  };
  const routing = routeMessage(ctx.state, message);
  ctx.emit({ type: 'mail.sent', actor, data: { message, routing } });
  // A delivery report is never itself bounced, so a bad sender cannot start a loop.
  if (routing.bounced.length > 0 && message.from !== mailerDaemon(ctx.state)) bounce(ctx, message, routing.bounced);
  return { message, routing };
}

function bounce(ctx: ToolContext, original: Message, failed: { address: string; reason: string }[]): void {
  const lines = failed.map((f) => `    ${f.address}\n    ${f.reason}`).join('\n\n');
  sendMessage(
    ctx,
    {
      from: mailerDaemon(ctx.state),
      to: [original.from],
      subject: `Undeliverable: ${original.subject}`,
      body:
        `Your message couldn't be delivered to the following recipients:\n\n${lines}\n\n` +
        `Check the address for typing errors and try sending the message again.\n\n` +
        `----- Original message -----\nMessage-ID: ${original.messageId}\nDate: ${original.date}\n` +
        `Subject: ${original.subject}\n`,
      inReplyTo: original.messageId,
      threadId: original.threadId,
    },
    'system',
  );
}
