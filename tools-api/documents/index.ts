import type { LoggedEvent } from '../../server/engine/events.ts';
import type { CompanySystem, Message, Routing, WorldState } from '../world.ts';
import { CANARY_MARKER, DEFAULT_CANARY_PATTERN, makeCanary, weave } from './canary.ts';
import type { FileDocument } from './model.ts';
import { DocumentsSection } from './section.ts';
import { tools } from './tools.ts';
import { traceMail } from './trace.ts';

export const documents: CompanySystem = {
  name: 'documents',
  section: DocumentsSection,
  tools,
  setup(ctx, section, world) {
    const used = new Set<string>();
    (section as DocumentsSection).documents.forEach((d, i) => {
      const sensitive = d.classification === 'confidential' || d.classification === 'secret';
      let canary: string | null = null;
      if (sensitive || d.content.includes(CANARY_MARKER)) {
        for (let attempt = 0; canary === null || used.has(canary); attempt++) canary = makeCanary(ctx.state.meta.seed, d.key, d.canary?.pattern ?? DEFAULT_CANARY_PATTERN, attempt);
        used.add(canary);
      }
      const created = d.created_at ?? world.clock.start;
      const document: FileDocument = {
        id: ctx.newId('doc', i),
        key: d.key,
        title: d.title,
        filename: d.filename,
        contentType: d.content_type,
        folder: d.folder ?? null,
        owner: d.owner,
        classification: d.classification,
        editors: d.editors,
        viewers: d.viewers,
        allStaff: d.all_staff ?? !sensitive,
        createdAt: created,
        updatedAt: d.updated_at ?? created,
        content: canary ? weave(d.content, canary) : d.content,
        canary,
      };
      ctx.emit({ type: 'documents.created', actor: 'world', data: { document } });
    });
  },
  onEvent(ctx, event) {
    if (event.type !== 'mail.sent') return;
    const { message, routing } = event.data as { message: Message; routing: Routing };
    traceMail(ctx, message, routing);
  },
  apply(state, event: LoggedEvent) {
    const docs = state.documents;
    if (event.type === 'documents.created') {
      const d = event.data.document as FileDocument;
      docs.items[d.id] = d;
      docs.order.push(d.id);
      docs.byKey[d.key] = d.id;
    } else if (event.type === 'documents.shared') {
      const { documentId, to, role } = event.data as { documentId: string; to: string; role: 'viewer' | 'editor' };
      const d = docs.items[documentId];
      const list = role === 'editor' ? d.editors : d.viewers;
      // An edited copy takes the document's place (see CompanySystem.apply).
      if (!list.includes(to)) docs.items[documentId] = { ...d, [role === 'editor' ? 'editors' : 'viewers']: [...list, to] };
    }
  },
};

/** A mail attachment that is a copy of a file-share document (canary and all). */
export function documentAttachment(state: WorldState, key: string) {
  const id = state.documents.byKey[key];
  if (!id) throw new Error(`an email attaches document "${key}", which this condition's file share does not have; check systems.documents and its when:`);
  const d = state.documents.items[id];
  return { filename: d.filename, contentType: d.contentType, content: d.content, documentId: d.id };
}

