// How the webmail reads a message (sections numbered as IMAP numbers them, the body it shows, attachments
// and IHE_XDM.ZIP facts, list summaries), prepares replies and forwards, and names downloads.
import { describe, expect, it } from 'vitest';
import { xdmArchive } from '../../src/lps/health-document.ts';
import { contentFacts } from '../../src/mail/message/attachments.ts';
import { parseMime } from '../../src/mail/message/mime.ts';
import { findPart, numberSections } from '../../src/mail/message/parts.ts';
import { cdaFacts } from '../../src/mail/message/xdm.ts';
import { prepare } from '../../src/webmail/compose.ts';
import { readMessage, safeContentType, summarise } from '../../src/webmail/message.ts';
import { attachmentDisposition } from '../../src/webmail/message-page.ts';

const CRLF = (lines: string[]) => Buffer.from(lines.join('\r\n'));
const zip = Buffer.from(
  xdmArchive([{ code: '11488-4', displayName: 'Compte rendu de consultation', ins: '279035121518989' }]),
);

// multipart/mixed: 1 alternative (1.1 text, 1.2 html), 2 an attached multipart message (2.1, 2.2), 3 a single-part
// message (3.1), 4 the XDM.
const MESSAGE = CRLF([
  'From: =?UTF-8?B?Q2xhaXJlIE1vcmVhdQ==?= <claire@mail.test>',
  'To: a@mail.test, "Bob, B." <b@mail.test>',
  'Cc: moi@mail.test',
  'Reply-To: secretariat@mail.test',
  'Subject: =?UTF-8?Q?Compte_rendu_=C3=A9t=C3=A9?=',
  'Date: Fri, 28 Nov 2025 14:05:00 +0100',
  'Message-ID: <m1@mail.test>',
  'X-MSS-NIL: DEV-1',
  'x-mss-codecda: 11488-4',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="out"',
  '',
  '--out',
  'Content-Type: multipart/alternative; boundary="alt"',
  '',
  '--alt',
  'Content-Type: text/plain; charset=iso-8859-1',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Bonjour =E9t=E9',
  '--alt',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>Bonjour été</p>',
  '--alt--',
  '--out',
  'Content-Type: message/rfc822',
  '',
  'Subject: inner',
  'Content-Type: multipart/mixed; boundary="in"',
  '',
  '--in',
  'Content-Type: text/plain',
  '',
  'inner text',
  '--in',
  'Content-Type: application/pdf; name="inner.pdf"',
  '',
  'PDF',
  '--in--',
  '--out',
  'Content-Type: message/rfc822',
  '',
  'Subject: single',
  '',
  'single body',
  '--out',
  'Content-Type: application/zip; name="IHE_XDM.ZIP"',
  'Content-Disposition: attachment; filename="IHE_XDM.ZIP"',
  'Content-Transfer-Encoding: base64',
  '',
  zip.toString('base64'),
  '--out--',
  '',
]);

describe('readMessage', () => {
  const view = readMessage(MESSAGE);

  it('numbers every part as IMAP does, so that findPart finds it again', () => {
    const root = parseMime(MESSAGE);
    const sections = numberSections(root);
    expect([...sections.values()]).toEqual(['', '1', '1.1', '1.2', '2', '2.1', '2.2', '3', '3.1', '4']);
    for (const [part, section] of sections)
      if (section) expect(findPart(root, section.split('.').map(Number)), section).toBe(part);
    expect(view.tree.children.map((c) => c.section)).toEqual(['1', '2', '3', '4']);
    expect(view.tree.children[1]!.children.map((c) => [c.section, c.filename])).toEqual([
      ['2.1', null],
      ['2.2', 'inner.pdf'],
    ]);
  });

  it('decodes the main headers, picks the X-MSS-* ones and prefers the plain text body', () => {
    expect(view.from).toBe('Claire Moreau <claire@mail.test>');
    expect(view.subject).toBe('Compte rendu été');
    expect(view.mss.map((h) => h.name)).toEqual(['X-MSS-NIL', 'x-mss-codecda']);
    expect(view.text).toBe('Bonjour été');
    expect(view.html).toEqual({ section: '1.2', source: '<p>Bonjour été</p>' });
  });

  it('lists attachments with the facts of an IHE_XDM.ZIP', () => {
    expect(view.attachments.map((a) => [a.section, a.filename, a.contentType])).toEqual([
      ['2.2', 'inner.pdf', 'application/pdf'],
      ['4', 'IHE_XDM.ZIP', 'application/zip'],
    ]);
    const xdm = view.attachments[1]!.xdm!;
    expect(xdm.entries).toContain('IHE_XDM/SUBSET01/DOC0001.XML');
    expect(xdm.documents.map((d) => [d.code, d.title, d.hasIns])).toEqual([
      ['11488-4', 'Compte rendu de consultation (document de test motco)', true],
    ]);
  });

  it('reads attachments as the journal records them, each decoded once for the tree and the list', () => {
    const facts = contentFacts(MESSAGE, parseMime(MESSAGE));
    expect(facts.attachments).toEqual(
      view.attachments.map(({ filename, contentType, size }) => ({ filename, contentType, size })),
    );
    expect(facts.xdm).toEqual({ filename: 'IHE_XDM.ZIP', ...view.attachments[1]!.xdm });
    expect(view.attachments[1]!.body).toEqual(zip);
    expect(view.tree.children[3]).toMatchObject({ filename: 'IHE_XDM.ZIP', size: zip.length });
  });

  it('reads a CDA title with its attributes and character references', () => {
    expect(
      cdaFacts(
        'a.xml',
        '<ClinicalDocument><title lang="fr">CR &amp; synth&#232;se &lt;test&gt;</title></ClinicalDocument>',
      )?.title,
    ).toBe('CR & synthèse <test>');
    expect(cdaFacts('b.xml', '<ClinicalDocument><code code="1"/></ClinicalDocument>')?.title).toBeNull();
  });

  it('summarises a message for the list from its header alone', () => {
    const head = MESSAGE.subarray(0, MESSAGE.indexOf('\r\n\r\n') + 4);
    expect(summarise(head)).toEqual({
      from: 'Claire Moreau',
      to: 'a@mail.test, Bob, B.',
      subject: 'Compte rendu été',
      hasAttachments: true,
    });
  });
});

describe('prepare', () => {
  const view = readMessage(MESSAGE);
  const original = { folder: 'INBOX', uid: 7 };

  it('replies to Reply-To, and to all without the mailbox itself', () => {
    expect(prepare('repondre', view, 'moi@mail.test', original)).toMatchObject({
      to: 'secretariat@mail.test',
      cc: '',
      subject: 'RE : Compte rendu été',
    });
    const all = prepare('repondre-tous', view, 'moi@mail.test', original);
    expect(all.cc).toBe('a@mail.test, b@mail.test');
    expect(all.text).toMatch(/a écrit\u00a0:\n> Bonjour été\n$/);
    expect(prepare('repondre', { ...view, subject: 'Re: déjà' }, 'moi@mail.test', original).subject).toBe('Re: déjà');
  });

  it('forwards with the original headers quoted and its attachments offered', () => {
    const forward = prepare('transferer', view, 'moi@mail.test', original);
    expect(forward.subject).toBe('TR : Compte rendu été');
    expect(forward.text).toContain('-------- Message transféré --------\nObjet : Compte rendu été');
    expect(forward.kept.map((k) => [k.attachment.filename, k.checked])).toEqual([
      ['inner.pdf', true],
      ['IHE_XDM.ZIP', true],
    ]);
  });
});

describe('downloads', () => {
  it('names files safely for the Content-Disposition header (RFC 6266)', () => {
    expect(attachmentDisposition('compte rendu é.pdf')).toBe(
      `attachment; filename="compte rendu _.pdf"; filename*=UTF-8''compte%20rendu%20%C3%A9.pdf`,
    );
    expect(attachmentDisposition('../../etc/"pass"\r\nX: y')).toBe(
      `attachment; filename=".._.._etc__pass___X: y"; filename*=UTF-8''.._.._etc_%22pass%22__X%3A%20y`,
    );
    expect(safeContentType('Text/HTML')).toBe('text/html');
    expect(safeContentType('text/html\r\nX-Evil: 1')).toBe('application/octet-stream');
  });
});
