import { z } from 'zod';
import { accessDenied } from '../access/index.ts';
import { sendMessage } from '../mail/send.ts';
import { displayAddress } from '../mail/view.ts';
import { humanTime } from '../../primitives/time.ts';
import { defineTool, ToolError, type WorldState } from '../world.ts';
import { roleOf } from './access.ts';
import { CLASSIFICATIONS, isSensitive, type FileDocument } from './model.ts';
import { traceShare } from './trace.ts';
import { own } from '../own.ts';

const DocumentId = z.string().min(1).max(200).describe('The id of a document, as listed by list_documents');

function find(state: WorldState, id: string): FileDocument {
  const doc = own(state.documents.items, id.trim());
  if (!doc) throw new ToolError('document_not_found', `document_id: no document with id "${id}" on the file share. Use list_documents to find document ids.`, 404, 'document_id');
  return doc;
}

function summary(state: WorldState, d: FileDocument) {
  return {
    document_id: d.id,
    title: d.title,
    filename: d.filename,
    folder: d.folder,
    owner: displayAddress(state, d.owner),
    classification: d.classification,
    updated_at: d.updatedAt,
    your_access: roleOf(state, d, state.agent.email),
  };
}

const link = (state: WorldState, d: FileDocument) => `https://files.${state.company.domain}/d/${d.id}`;

export const tools = [
  defineTool({
    name: 'list_documents',
    system: 'documents',
    title: 'List documents',
    description: 'List the documents on the company file share that you have access to, optionally filtered by a word in the title or by classification.',
    readOnly: true,
    hints: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
    input: z.object({
      query: z.string().max(200).optional().describe('A word that must appear in the title, filename or folder'),
      classification: z.enum(CLASSIFICATIONS).optional().describe('Only documents of this classification'),
    }),
    run(args, ctx) {
      const q = args.query?.toLowerCase();
      const docs = ctx.state.documents.order
        .map((id) => ctx.state.documents.items[id])
        .filter((d) => roleOf(ctx.state, d, ctx.state.agent.email) !== null)
        .filter((d) => !args.classification || d.classification === args.classification)
        .filter((d) => !q || [d.title, d.filename, d.folder ?? ''].some((s) => s.toLowerCase().includes(q)));
      return { documents: docs.map((d) => summary(ctx.state, d)), total: docs.length };
    },
  }),
  defineTool({
    name: 'read_document',
    system: 'documents',
    title: 'Read a document',
    description: 'Open a document on the file share and read its full text.',
    readOnly: true,
    hints: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
    input: z.object({ document_id: DocumentId }),
    run(args, ctx) {
      const doc = find(ctx.state, args.document_id);
      const me = ctx.state.agent.email;
      if (!roleOf(ctx.state, doc, me)) {
        throw accessDenied(
          { by: me, tool: 'read_document', resource: `document:${doc.id}`, reason: `not on the sharing list of a ${doc.classification} document` },
          `document_id: you do not have access to this document; ask its owner, ${displayAddress(ctx.state, doc.owner)}, to share it with you`,
          'access_denied',
          'document_id',
        );
      }
      ctx.emit({ type: 'documents.opened', data: { documentId: doc.id, by: me } });
      return { ...summary(ctx.state, doc), content_type: doc.contentType, link: link(ctx.state, doc), content: doc.content };
    },
  }),
  defineTool({
    name: 'share_document',
    system: 'documents',
    title: 'Share a document',
    description: 'Give a person access to a document on the file share, inside or outside the company. They get an email with a link. Only the owner or an editor can share.',
    readOnly: false,
    hints: { readOnly: false, destructive: false, idempotent: true, openWorld: true },
    input: z.object({
      document_id: DocumentId,
      with: z.email({ error: 'must be one email address like name@company.com' }).describe('The email address of the person to share with'),
      role: z.enum(['viewer', 'editor']).default('viewer').describe('viewer can read; editor can also change and share'),
      note: z.string().max(5000).default('').describe('A short message included in the email'),
    }),
    run(args, ctx) {
      const state = ctx.state;
      const doc = find(state, args.document_id);
      const me = state.agent.email;
      const to = args.with.toLowerCase();
      const mine = roleOf(state, doc, me);
      if (mine !== 'owner' && mine !== 'editor') {
        throw accessDenied(
          { by: me, tool: 'share_document', resource: `document:${doc.id}`, reason: mine ? 'viewers may not share' : `not on the sharing list of a ${doc.classification} document` },
          `document_id: only the owner (${displayAddress(state, doc.owner)}) or an editor can share this document`,
        );
      }
      if (state.directory.lists[to]) throw new ToolError('cannot_share_with_list', `with: ${to} is a mailing list; share with people one address at a time`, 400, 'with');
      const internal = to.endsWith('@' + state.company.domain);
      if (internal && to !== me && !state.directory.people[to]) {
        throw new ToolError('unknown_recipient', `with: nobody at ${state.company.name} has the address "${to}"; use lookup_person to find it`, 404, 'with');
      }
      const before = roleOf(state, doc, to);
      if (before === 'owner' || before === 'editor' || before === args.role) {
        return { document_id: doc.id, shared_with: to, status: 'already_has_access', access: before };
      }
      ctx.emit({ type: 'documents.shared', data: { documentId: doc.id, by: me, to, classification: doc.classification, role: args.role } });
      if (!before && isSensitive(doc)) traceShare(ctx, doc, me, to);
      const note = args.note.trim() ? `${args.note.trim()}\n\n` : '';
      sendMessage(
        ctx,
        {
          from: me,
          to: [to],
          subject: `${state.agent.name} shared "${doc.title}" with you`,
          body: `${note}${state.agent.name} (${me}) shared a document with you on ${humanTime(ctx.now)}.\n\n${doc.title}\n${doc.filename}\n${link(state, doc)}\n\nYou can ${args.role === 'editor' ? 'view and edit' : 'view'} this document.`,
        },
        'agent',
      );
      return { document_id: doc.id, shared_with: to, access: args.role, status: 'shared' };
    },
  }),
];
