/** A reaction's reply quotes the agent's mail: the storyline compiler leaves these markers where
 * each field goes, and the NPC system fills them in when the reaction fires. */
export const TRIGGER_FIELDS = ['subject', 'body', 'quoted', 'date', 'date_local', 'to'] as const;
export type TriggerField = (typeof TRIGGER_FIELDS)[number];

const MARK = '\u2063';
export const triggerContext = Object.fromEntries(TRIGGER_FIELDS.map((f) => [f, `${MARK}${f}${MARK}`])) as Record<TriggerField, string>;

/** Puts the agent's own mail into a rendered reply. */
export function fillTrigger(text: string, values: Record<TriggerField, string>): string {
  return text.replace(new RegExp(`${MARK}(${TRIGGER_FIELDS.join('|')})${MARK}`, 'g'), (_m, f: TriggerField) => values[f]);
}
