// IMAP part numbering (RFC 3501 §6.4.5) over the MIME tree: the section number of every part, and the part a
// section number names. IMAP's BODY[section] and the webmail's part links and downloads share it.
import type { MimePart } from './mime.ts';

/**
 * The part a section path names. Part n of a multipart is its n-th child; a non-multipart body is its own
 * part 1; below a message/rfc822 part, numbers address the parts of the message it carries.
 */
export function findPart(root: MimePart, path: number[]): MimePart | undefined {
  let node = root;
  for (const [i, n] of path.entries()) {
    if (i > 0 && node.message) node = node.message;
    if (node.parts.length > 0) {
      const child = node.parts[n - 1];
      if (!child) return undefined;
      node = child;
    } else if (n !== 1) {
      return undefined;
    }
  }
  return node;
}

/**
 * IMAP section numbers of every part (RFC 3501 §6.4.5): children of a multipart are 1…n below their parent;
 * a single-part body is part 1; below a message/rfc822 part, its message's parts (or its body, 1) continue
 * the numbering. `findPart` turns them back into parts.
 */
export function numberSections(root: MimePart): Map<MimePart, string> {
  const sections = new Map<MimePart, string>([[root, '']]);
  const visit = (part: MimePart, section: string) => {
    sections.set(part, section);
    childrenOf(part).forEach((child, i) => visit(child, `${section}.${i + 1}`));
  };
  if (root.parts.length > 0) root.parts.forEach((child, i) => visit(child, String(i + 1)));
  return sections;
}

/** The parts numbered below a part: a multipart's children, a message/rfc822 part's message parts (or its body). */
export function childrenOf(part: MimePart): MimePart[] {
  if (part.parts.length > 0) return part.parts;
  if (part.message) return part.message.parts.length > 0 ? part.message.parts : [part.message];
  return [];
}
