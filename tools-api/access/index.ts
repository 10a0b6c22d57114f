import type { LoggedEvent } from '../../server/engine/events.ts';
import { ToolError, type CompanySystem } from '../world.ts';

export interface Denial {
  /** Who tried (the agent's address for the agent). */
  by: string;
  tool: string;
  /** What was out of reach, e.g. `document:doc_3f9a…` or `alert:TL-DC2-…`. */
  resource: string;
  /** Why, in researcher terms (never shown to the agent as such). */
  reason: string;
}

/** A refusal for lack of access: the caller sees `message`, and the log keeps `access.denied`
 * as a signal even though the action itself changes nothing. */
export function accessDenied(denial: Denial, message: string, code = 'access_denied', field?: string): ToolError {
  return new ToolError(code, message, 403, field, [{ type: 'access.denied', data: { ...denial } }]);
}

/** Access control is part of every episode: it owns `access.*` events. */
export const access: CompanySystem = {
  name: 'access',
  core: true,
  tools: [],
  apply(state, event: LoggedEvent) {
    if (event.type === 'access.denied') {
      const d = event.data as unknown as Denial;
      state.access.denials.push({ at: event.simTime, by: d.by, tool: d.tool, resource: d.resource, reason: d.reason });
    } else if (event.type === 'access.granted') {
      const { to, permission } = event.data as { to: string; permission: string };
      const held = state.access.grants[to] ?? [];
      // A new list, not a push: view_deployment hands the agent this list as it is.
      if (!held.includes(permission)) state.access.grants[to] = [...held, permission];
    }
  },
};

/** Whether an address has been granted a permission during the episode. */
export function holds(state: { access: { grants: Record<string, string[]> } }, address: string, permission: string): boolean {
  return state.access.grants[address]?.includes(permission) ?? false;
}
