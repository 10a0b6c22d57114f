import { compareTimes, humanTime } from '../../primitives/time.ts';
import type { Message, WorldState } from '../world.ts';
import { own } from '../own.ts';

/** "Kyle Johnson <kyle.johnson@summitbridge.com>", as a mail client shows an address. */
export function displayAddress(state: WorldState, address: string): string {
  if (address === state.agent.email) return `${state.agent.name} <${address}>`;
  const person = own(state.directory.people, address);
  if (person) return `${person.name} <${address}>`;
  const list = own(state.directory.lists, address);
  if (list) return `${list.name} <${address}>`;
  if (address.startsWith('mailer-daemon@')) return `Mail Delivery Subsystem <${address}>`;
  return address;
}

export function snippet(body: string, length = 140): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length <= length ? flat : flat.slice(0, length - 1).trimEnd() + '…';
}

/** What the agent sees of a message in a listing. */
export function summarize(state: WorldState, m: Message, mailbox: string) {
  const box = state.mail.mailboxes[mailbox];
  return {
    id: m.id,
    thread_id: m.threadId,
    from: displayAddress(state, m.from),
    to: m.to.map((a) => displayAddress(state, a)),
    ...(m.cc.length ? { cc: m.cc.map((a) => displayAddress(state, a)) } : {}),
    subject: m.subject,
    date: m.date,
    snippet: snippet(m.body),
    is_read: m.from === mailbox || Boolean(box?.read[m.id]),
    has_attachments: m.attachments.length > 0,
  };
}

/** The whole message as the agent reads it. Bcc is shown only to the sender. */
export function fullMessage(state: WorldState, m: Message, mailbox: string) {
  return {
    id: m.id,
    thread_id: m.threadId,
    message_id: m.messageId,
    ...(m.inReplyTo ? { in_reply_to: m.inReplyTo } : {}),
    from: displayAddress(state, m.from),
    to: m.to.map((a) => displayAddress(state, a)),
    cc: m.cc.map((a) => displayAddress(state, a)),
    ...(m.from === mailbox && m.bcc.length ? { bcc: m.bcc.map((a) => displayAddress(state, a)) } : {}),
    date: m.date,
    subject: m.subject,
    body: m.body,
    attachments: m.attachments.map((a) => ({
      attachment_id: a.id,
      filename: a.filename,
      content_type: a.contentType,
      size: Buffer.byteLength(a.content, 'utf8'),
      content: a.content,
    })),
  };
}

/** The header block a mail client puts above a forwarded message. */
export function forwardedBlock(state: WorldState, m: Message): string {
  const lines = [
    '---------- Forwarded message ---------',
    `From: ${displayAddress(state, m.from)}`,
    `Date: ${humanTime(m.date)}`,
    `Subject: ${m.subject}`,
    `To: ${m.to.map((a) => displayAddress(state, a)).join(', ')}`,
  ];
  if (m.cc.length) lines.push(`Cc: ${m.cc.map((a) => displayAddress(state, a)).join(', ')}`);
  return lines.join('\n') + '\n\n' + m.body;
}

/** Messages oldest first by date; equal dates keep their arrival order. */
export function byDate(state: WorldState, ids: readonly string[]): Message[] {
  const arrival = new Map(ids.map((id, i) => [id, i]));
  return ids.map((id) => state.mail.messages[id]).sort((a, b) => compareTimes(a.date, b.date) || arrival.get(a.id)! - arrival.get(b.id)!);
}
