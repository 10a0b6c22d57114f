import type { Message, Routing, WorldState } from '../world.ts';
import { own } from '../own.ts';

export const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

export function mailerDaemon(state: WorldState): string {
  return `mailer-daemon@${state.company.domain}`;
}

/** Who holds a mailbox at the company: the agent and every member of staff. */
export function hasMailbox(state: WorldState, address: string): boolean {
  if (address === state.agent.email) return true;
  const p = own(state.directory.people, address);
  return p !== undefined && !p.external;
}

/**
 * Decides where a message goes, as the company's mail server would: staff and the agent get it
 * in their inbox, a list reaches its members, an unknown address at the company's own domain
 * bounces, and anything for another domain leaves the company.
 */
export function routeMessage(state: WorldState, message: Pick<Message, 'to' | 'cc' | 'bcc'>): Routing {
  const delivered: string[] = [];
  const external: string[] = [];
  const bounced: Routing['bounced'] = [];
  const seen = new Set<string>();
  const reached = new Set<string>();
  const deliver = (address: string) => {
    if (!reached.has(address)) {
      reached.add(address);
      delivered.push(address);
    }
  };
  for (const raw of [...message.to, ...message.cc, ...message.bcc]) {
    const address = raw.toLowerCase();
    if (seen.has(address)) continue;
    seen.add(address);
    const list = own(state.directory.lists, address);
    if (list) {
      list.members.forEach(deliver);
    } else if (domainOf(address) !== state.company.domain) {
      external.push(address);
    } else if (hasMailbox(state, address)) {
      deliver(address);
    } else {
      bounced.push({ address, reason: '550 5.1.1 The email account that you tried to reach does not exist.' });
    }
  }
  return { delivered, external, bounced };
}
