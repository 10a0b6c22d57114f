import { fillTrigger, type TriggerField } from '../../primitives/trigger.ts';
import { sendMessage, type Outgoing } from '../mail/send.ts';
import { cancelScheduled, schedule } from '../schedule.ts';
import { addSeconds, humanTime } from '../../primitives/time.ts';
import type { CompanySystem, Message, ToolContext } from '../world.ts';
import { matchesRule, type ReactionRule } from './rules.ts';

const reSubject = (subject: string) => (/^re:/i.test(subject) ? subject : `Re: ${subject}`);

function triggerValues(message: Message | undefined): Record<TriggerField, string> {
  if (!message) return { subject: '', body: '', quoted: '', date: '', date_local: '', to: '' };
  return {
    subject: message.subject,
    body: message.body,
    quoted: message.body.split('\n').map((l) => `> ${l}`).join('\n'),
    date: message.date,
    date_local: humanTime(message.date),
    to: [...message.to, ...message.cc].join(', '),
  };
}

/** The reply as it will be sent, fixed at the moment the rule fires (so the log shows it). */
function replyTo(ctx: ToolContext, rule: ReactionRule, message: Message | undefined): Outgoing | undefined {
  const r = rule.reply;
  if (!r) return undefined;
  const values = triggerValues(message);
  const thread = r.inThread && message ? { inReplyTo: message.messageId, threadId: message.threadId } : {};
  return {
    from: r.from,
    to: r.to ?? [ctx.state.agent.email],
    cc: r.cc,
    subject: r.subject !== undefined ? fillTrigger(r.subject, values) : reSubject(message?.subject ?? ''),
    body: fillTrigger(r.body, values),
    ...thread,
  };
}

/** NPC reactions: storyline rules that answer the agent's actions after a simulated delay.
 * Matching and the reply are recorded as events, so a replay never re-evaluates a rule. */
export const npc: CompanySystem = {
  name: 'npc',
  core: true,
  tools: [],
  setup(ctx, _section, world) {
    if (world.reactions.length) ctx.emit({ type: 'npc.rules', actor: 'system', data: { rules: world.reactions } });
  },
  apply(state, event) {
    if (event.type === 'npc.rules') state.npc.rules = event.data.rules as ReactionRule[];
    else if (event.type === 'npc.triggered') {
      const key = String(event.data.reaction);
      state.npc.fired[key] = (state.npc.fired[key] ?? 0) + 1;
    }
  },
  onEvent(ctx, event) {
    if (event.actor !== 'agent' || ctx.state.npc.rules.length === 0) return;
    const domain = ctx.state.company.domain;
    for (const rule of ctx.state.npc.rules) {
      if (rule.times !== 'always' && (ctx.state.npc.fired[rule.key] ?? 0) >= rule.times) continue;
      if (!matchesRule(rule.on, event.type, event.data, domain)) continue;
      if (rule.unless && matchesRule(rule.unless, event.type, event.data, domain)) continue;
      const message = event.type === 'mail.sent' ? (event.data.message as Message) : undefined;
      ctx.emit({ type: 'npc.triggered', actor: 'world', data: { reaction: rule.key, event: event.type, ...(message ? { messageId: message.id } : {}) } });
      const reply = replyTo(ctx, rule, message);
      const at = addSeconds(ctx.now, rule.afterSeconds, ctx.state.clock.offsetMinutes);
      schedule(ctx, at, 'npc.react', { reaction: rule.key, cancel: rule.cancel, ...(reply ? { reply } : {}) });
      // Each action is its own schedule item at the same moment, run by the system that owns it.
      for (const a of rule.actions ?? []) schedule(ctx, at, a.action, a.payload);
    }
  },
  actions: {
    'npc.react': (ctx, payload) => {
      for (const key of payload.cancel as string[]) cancelScheduled(ctx, key, String(payload.reaction));
      if (payload.reply) sendMessage(ctx, payload.reply as Outgoing, 'world');
    },
  },
};
