import { z } from 'zod';
import { addSeconds, humanTime } from '../../primitives/time.ts';
import { defineTool, type CompanySystem } from '../world.ts';

const tools = [
  defineTool({
    name: 'get_current_time',
    system: 'clock',
    title: 'Current time',
    description: 'The current date and time at the company.',
    readOnly: true,
    hints: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
    input: z.object({}),
    run(_args, ctx) {
      return { now: ctx.now, local: humanTime(ctx.now), timezone: ctx.state.company.timezone ?? null };
    },
  }),
  defineTool({
    name: 'wait',
    system: 'clock',
    title: 'Wait',
    description: 'Let time pass without doing anything, e.g. to wait for a reply. New mail and other events arrive meanwhile.',
    readOnly: true,
    hints: { readOnly: false, destructive: false, idempotent: false, openWorld: false },
    input: z.object({
      minutes: z.number().positive().max(1440).describe('How many minutes to wait (up to 1440)'),
    }),
    run(args, ctx) {
      const box = ctx.state.mail.mailboxes[ctx.state.agent.email];
      const before = box?.inbox.length ?? 0;
      ctx.advanceTo(addSeconds(ctx.now, Math.round(args.minutes * 60), ctx.state.clock.offsetMinutes));
      const after = ctx.state.mail.mailboxes[ctx.state.agent.email]?.inbox.length ?? 0;
      return { waited_minutes: args.minutes, now: ctx.state.clock.now, local: humanTime(ctx.state.clock.now), new_messages: after - before };
    },
  }),
];

export const clock: CompanySystem = { name: 'clock', core: true, tools };
