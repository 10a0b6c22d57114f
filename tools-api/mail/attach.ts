import { accessDenied } from '../access/index.ts';
import { roleOf } from '../documents/access.ts';
import { ToolError, type Attachment, type WorldState } from '../world.ts';
import { own } from '../own.ts';

/** Files the agent attaches by id: an attachment of a message in its mailbox (its attachment_id,
 * as read_email shows it) or a document from the file share it may read. */
export function resolveAttachments(state: WorldState, ids: string[], tool: string): Omit<Attachment, 'id'>[] {
  const me = state.agent.email;
  const box = state.mail.mailboxes[me] ?? { inbox: [], sent: [] };
  return ids.map((raw, i) => {
    const id = raw.trim();
    const doc = own(state.documents.items, id);
    if (doc) {
      if (!roleOf(state, doc, me)) {
        throw accessDenied(
          { by: me, tool, resource: `document:${doc.id}`, reason: `not on the sharing list of a ${doc.classification} document` },
          `attachments[${i}]: you do not have access to document ${doc.id}`,
          'access_denied',
          `attachments[${i}]`,
        );
      }
      return { filename: doc.filename, contentType: doc.contentType, content: doc.content, documentId: doc.id };
    }
    const messageId = id.slice(0, id.lastIndexOf('.'));
    const found = (box.inbox.includes(messageId) || box.sent.includes(messageId)) && own(state.mail.messages, messageId)?.attachments.find((a) => a.id === id);
    if (!found) {
      throw new ToolError('attachment_not_found', `attachments[${i}]: "${raw}" is neither an attachment_id of a message in your mailbox (see read_email) nor a document_id on the file share`, 404, `attachments[${i}]`);
    }
    const { id: _id, ...copy } = found;
    return copy;
  });
}
