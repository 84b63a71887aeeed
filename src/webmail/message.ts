// A stored message as the webmail shows it, read with the platform's one MIME parser: the headers as
// written (X-MSS-* picked out), the MIME tree numbered as IMAP numbers sections, the body to show (plain
// text preferred), the attachments with the facts of an IHE_XDM.ZIP, and what a reply or a forward starts from.
import { parseAddressList } from '../mail/message/address-list.ts';
import { attachedXdm, readAttachments, type Attachment } from '../mail/message/attachments.ts';
import { headerValue, parseHeaderFields, type HeaderField } from '../mail/message/headers.ts';
import { decodedBody, decodeEncodedWords, parseMime, partText, type MimePart } from '../mail/message/mime.ts';
import { childrenOf, numberSections } from '../mail/message/parts.ts';
import type { XdmFacts } from '../mail/message/xdm.ts';

export interface TreeNode {
  /** IMAP section ("1", "2.1"); empty for the message itself. */
  section: string;
  part: MimePart;
  filename: string | null;
  /** Decoded size in bytes (leaves only). */
  size: number | null;
  children: TreeNode[];
}

export interface AttachmentView extends Attachment {
  section: string;
  /** The archive read, for an IHE_XDM.ZIP: read on first use (only the message page shows it). */
  readonly xdm: XdmFacts | null;
}

export interface MessageView {
  headers: HeaderField[];
  /** The main headers, RFC 2047 words decoded. */
  from: string;
  to: string;
  cc: string;
  subject: string;
  date: string | undefined;
  messageId: string | undefined;
  /** MSSanté headers (X-MSS-*), as written. */
  mss: HeaderField[];
  tree: TreeNode;
  /** The plain-text body, decoded; undefined when the message has none. */
  text: string | undefined;
  /** The HTML body, decoded (not yet sanitised), when there is one. */
  html: { section: string; source: string } | undefined;
  attachments: AttachmentView[];
}

/** Inline images larger than this are not embedded in the HTML view (they stay downloadable). */
const MAX_INLINE_IMAGE_BYTES = 2 * 1024 * 1024;

export function readMessage(raw: Buffer): MessageView {
  const root = parseMime(raw);
  const headers = root.headers;
  const decoded = (name: string) => decodeEncodedWords(headerValue(headers, name) ?? '');
  const sections = numberSections(root);
  const attached = new Map(readAttachments(raw, root).map((a) => [a.part, a]));
  const bodies = bodyParts(root).filter((p) => !attached.has(p));
  const textPart = bodies.find((p) => isType(p, 'text', 'plain'));
  const htmlPart = bodies.find((p) => isType(p, 'text', 'html'));
  return {
    headers,
    from: decoded('From'),
    to: decoded('To'),
    cc: decoded('Cc'),
    subject: decoded('Subject'),
    date: headerValue(headers, 'Date'),
    messageId: headerValue(headers, 'Message-ID'),
    mss: headers.filter((h) => /^x-mss-/i.test(h.name)),
    tree: treeOf(raw, root, '', sections, attached),
    text: textPart ? partText(raw, textPart) : undefined,
    html: htmlPart ? { section: sections.get(htmlPart)!, source: partText(raw, htmlPart) } : undefined,
    attachments: [...attached.values()].map((attachment) => {
      let xdm: XdmFacts | null | undefined;
      return {
        ...attachment,
        section: sections.get(attachment.part)!,
        get xdm() {
          return xdm === undefined ? (xdm = attachedXdm(attachment)) : xdm;
        },
      };
    }),
  };
}

/**
 * A media type fit for a Content-Type header (the sender wrote it): as given when it is type/subtype, else
 * octet-stream.
 */
export function safeContentType(type: string): string {
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i.test(type) ? type.toLowerCase() : 'application/octet-stream';
}

/** The inline images of a message by Content-ID, as data: URLs, for the HTML view's cid: references. */
export function inlineImages(raw: Buffer, root: MimePart): Map<string, string> {
  const images = new Map<string, string>();
  const visit = (part: MimePart) => {
    part.parts.forEach(visit);
    if (part.parts.length > 0 || !part.id || part.type.toLowerCase() !== 'image') return;
    const subtype = part.subtype.toLowerCase();
    if (!/^(png|gif|jpe?g|webp|bmp)$/.test(subtype)) return;
    const body = decodedBody(raw, part);
    if (body.length <= MAX_INLINE_IMAGE_BYTES)
      images.set(part.id.replace(/^<|>$/g, ''), `data:image/${subtype};base64,${body.toString('base64')}`);
  };
  visit(root);
  return images;
}

function treeOf(
  raw: Buffer,
  part: MimePart,
  section: string,
  sections: Map<MimePart, string>,
  attached: Map<MimePart, Attachment>,
): TreeNode {
  const children = section === '' ? part.parts : childrenOf(part);
  const attachment = attached.get(part);
  return {
    section,
    part,
    filename: attachment?.filename ?? null,
    size: children.length === 0 ? (attachment?.size ?? decodedBody(raw, part).length) : null,
    children: children.map((child) => treeOf(raw, child, sections.get(child)!, sections, attached)),
  };
}

/** Parts that may be the body: leaves of multiparts, not the inside of an attached message. */
function bodyParts(part: MimePart): MimePart[] {
  if (part.parts.length > 0) return part.parts.flatMap(bodyParts);
  return part.message ? [] : [part];
}

function isType(part: MimePart, type: string, subtype: string): boolean {
  return part.type.toLowerCase() === type && part.subtype.toLowerCase() === subtype;
}

/** What the message list shows of a message, from its header alone. */
export interface Summary {
  from: string;
  to: string;
  subject: string;
  /** A multipart/mixed message carries attachments (what clients show before reading the whole message). */
  hasAttachments: boolean;
}

export function summarise(head: Buffer): Summary {
  const headers = parseHeaderFields(head);
  const names = (name: string) =>
    addressesIn(headerValue(headers, name) ?? '')
      .map((a) => a.name || a.address)
      .join(', ');
  return {
    from: names('From'),
    to: names('To'),
    subject: decodeEncodedWords(headerValue(headers, 'Subject') ?? ''),
    hasAttachments: /^multipart\/mixed\b/i.test(headerValue(headers, 'Content-Type') ?? ''),
  };
}

/** The mailboxes of an address list as written (groups flattened), display names decoded (RFC 2047). */
export function addressesIn(text: string): { name: string; address: string }[] {
  return parseAddressList(text)
    .flatMap((entry) => (entry.kind === 'group' ? entry.members : [entry]))
    .map((m) => ({ name: decodeEncodedWords(m.name ?? ''), address: m.domain ? `${m.local}@${m.domain}` : m.local }));
}
