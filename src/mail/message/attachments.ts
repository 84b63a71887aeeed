// Facts about what a submitted message carries: its attachments and, for an IHE_XDM.ZIP, the health
// documents inside (xdm.ts). Recorded with the message so that the X-MSS-* verdicts read only the journal;
// the webmail shows the same attachments.
import { decodedBody, decodeEncodedWords, leafParts, parseMime, type MimePart, type MimeParameter } from './mime.ts';
import { xdmFacts, type XdmFacts } from './xdm.ts';

export interface AttachmentFacts {
  filename: string | null;
  contentType: string;
  size: number;
}

/** An attachment read: its facts, its part and its decoded body. */
export interface Attachment extends AttachmentFacts {
  part: MimePart;
  body: Buffer;
}

export interface ContentFacts {
  attachments: AttachmentFacts[];
  /** The first IHE_XDM.ZIP attachment, read; null when there is none. */
  xdm: (XdmFacts & { filename: string }) | null;
}

const XDM_NAME = /^IHE_XDM\.ZIP$/i;

/** What the journal keeps of a message's content; `root` is its MIME tree when the caller has it. */
export function contentFacts(raw: Buffer, root: MimePart = parseMime(raw)): ContentFacts {
  const attachments = readAttachments(raw, root);
  const archive = attachments.find((a) => a.filename !== null && isXdmArchive(a.filename));
  return {
    attachments: attachments.map(({ filename, contentType, size }) => ({ filename, contentType, size })),
    xdm: archive ? { filename: archive.filename!, ...xdmFacts(archive.body) } : null,
  };
}

/** The attachments of a message, each body decoded once. */
export function readAttachments(raw: Buffer, root: MimePart): Attachment[] {
  return attachmentParts(root).map(({ part, filename }) => {
    const body = decodedBody(raw, part);
    return { filename, contentType: `${part.type}/${part.subtype}`.toLowerCase(), size: body.length, part, body };
  });
}

/** The facts of an IHE_XDM.ZIP attachment (unzipped and parsed: only where they are shown); null for others. */
export function attachedXdm(attachment: Attachment): XdmFacts | null {
  return attachment.filename !== null && isXdmArchive(attachment.filename) ? xdmFacts(attachment.body) : null;
}

/** The leaf parts that are attachments: those with a file name or an attachment disposition. */
function attachmentParts(root: MimePart): { part: MimePart; filename: string | null }[] {
  const found: { part: MimePart; filename: string | null }[] = [];
  for (const part of leafParts(root)) {
    if (part === root) break; // a single-part message has no attachment
    const filename = filenameOf(part);
    if (filename !== null || part.disposition?.value.toLowerCase() === 'attachment') found.push({ part, filename });
  }
  return found;
}

function isXdmArchive(filename: string): boolean {
  return XDM_NAME.test(filename);
}

/** filename (RFC 2183, with RFC 2231 extended values) or the older Content-Type name. */
export function filenameOf(part: MimePart): string | null {
  return parameter(part.disposition?.params ?? [], 'filename') ?? parameter(part.params, 'name');
}

function parameter(params: MimeParameter[], name: string): string | null {
  const extended = params.find((p) => p.name === `${name}*`);
  if (extended) {
    const match = /^([^']*)'[^']*'(.*)$/.exec(extended.value);
    if (match) {
      try {
        return decodeURIComponent(match[2]!);
      } catch {
        return match[2]!;
      }
    }
  }
  const plain = params.find((p) => p.name === name)?.value;
  return plain === undefined ? null : decodeEncodedWords(plain);
}
