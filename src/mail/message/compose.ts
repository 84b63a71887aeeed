// The RFC 5322 / MIME messages the platform submits (the reference LPS's plays, the webmail's new messages):
// a UTF-8 text part and attachments (for health documents, an IHE_XDM.ZIP), with the X-MSS-* or other header
// fields the caller chose.
import { randomUUID } from 'node:crypto';

export interface Attachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export interface OutgoingMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** Extra header fields in order, e.g. [['X-MSS-NIL', '…']]. */
  headers: [string, string][];
  attachments: Attachment[];
}

export function composeMessage(message: OutgoingMessage, now = new Date()): Buffer {
  const domain = message.from.slice(message.from.lastIndexOf('@') + 1) || 'motco.localhost';
  const head: [string, string][] = [
    ['From', `<${message.from}>`],
    ['To', message.to.map((a) => `<${a}>`).join(', ')],
    ['Subject', encodeWord(message.subject)],
    ['Date', now.toUTCString().replace('GMT', '+0000')],
    ['Message-ID', `<${randomUUID()}@${domain}>`],
    ['MIME-Version', '1.0'],
    ...message.headers,
  ];
  const text = part(
    [
      ['Content-Type', 'text/plain; charset=UTF-8'],
      ['Content-Transfer-Encoding', 'base64'],
    ],
    Buffer.from(message.text, 'utf8'),
  );
  let body: string;
  if (message.attachments.length === 0) {
    body = text;
  } else {
    const boundary = `=_motco_${randomUUID()}`;
    head.push(['Content-Type', `multipart/mixed; boundary="${boundary}"`]);
    const attachments = message.attachments.map((a) =>
      part(
        [
          ['Content-Type', `${a.contentType}; name="${a.filename}"`],
          ['Content-Disposition', `attachment; filename="${a.filename}"`],
          ['Content-Transfer-Encoding', 'base64'],
        ],
        Buffer.from(a.content),
      ),
    );
    body = `${[text, ...attachments].map((p) => `--${boundary}\r\n${p}`).join('\r\n')}\r\n--${boundary}--\r\n`;
  }
  const header = head.map(([name, value]) => `${name}: ${value}`).join('\r\n');
  return Buffer.from(`${header}\r\n${message.attachments.length === 0 ? '' : '\r\n'}${body}`, 'utf8');
}

/** Header lines then a blank line then the content in base64 lines of 76 characters (RFC 2045). */
function part(headers: [string, string][], content: Buffer): string {
  const lines = content.toString('base64').match(/.{1,76}/g) ?? [];
  return `${headers.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n${lines.join('\r\n')}\r\n`;
}

/** RFC 2047 encoded word for a non-ASCII header value. */
function encodeWord(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}
