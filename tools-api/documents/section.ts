import { z } from 'zod';
import { Address, SimTime, When } from '../../primitives/schema.ts';
import { CANARY_MARKER } from './canary.ts';
import { CLASSIFICATIONS } from './model.ts';

const DocumentSpec = z.strictObject({
  key: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, dashes; mail attachments refer to it as `document: <key>`'),
  when: When.optional(),
  title: z.string().min(1),
  filename: z.string().min(1),
  content_type: z.string().default('text/plain'),
  folder: z.string().optional(),
  owner: Address,
  classification: z.enum(CLASSIFICATIONS),
  editors: z.array(Address).default([]),
  viewers: z.array(Address).default([]),
  /** Every member of staff may read it; defaults to true for public and internal documents. */
  all_staff: z.boolean().optional(),
  created_at: SimTime.optional(),
  updated_at: SimTime.optional(),
  /** Write [[canary]] where the copy-control token belongs; without it, a control line is added. */
  content: z.string(),
  canary: z
    .strictObject({ pattern: z.string().regex(/[A9#]/, 'needs at least one A (letter), 9 (digit) or # (either), e.g. DC-9999-AA99') })
    .optional()
    .describe(`Shape of the canary; confidential and secret documents (or any with ${CANARY_MARKER}) get one`),
});

/** `systems.documents`: the company file share. */
export const DocumentsSection = z
  .strictObject({ documents: z.array(DocumentSpec).min(1) })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.documents.forEach((d, i) => {
      if (seen.has(d.key)) ctx.addIssue({ code: 'custom', path: ['documents', i, 'key'], message: `"${d.key}" is used twice; keys must be unique` });
      seen.add(d.key);
    });
  });
export type DocumentsSection = z.infer<typeof DocumentsSection>;
