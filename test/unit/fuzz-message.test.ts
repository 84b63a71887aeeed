// Property-based fuzzing of the parsers that read client-sent messages (issue 10; SMTP DATA and IMAP APPEND):
// header fields, the MIME tree, transfer encodings and charsets, RFC 2047 words and RFC 2231 parameters,
// ENVELOPE, BODYSTRUCTURE, body sections and the facts recorded for a submission.
import { describe, expect, it } from 'vitest';
import { decodedBody, parseMime, parseParameterHeader } from '../../src/mail/message/mime.ts';
import { describeFailure, runFuzz } from '../helpers/fuzz.ts';

describe('fuzzing messages', () => {
  it('every message parses into a tree whose offsets stay inside it, never an exception', async () => {
    const result = await runFuzz('message', { numRuns: 250, shrink: false });
    expect(result.ok, describeFailure(result)).toBe(true);
  });

  it('joins RFC 2231 continuations by number, however large the number', () => {
    // filename*4294967294 made a sparse array of four billion slots, walked by filter(): minutes.
    expect(parseParameterHeader('attachment; filename*4294967294="x"').params).toEqual([
      { name: 'filename', value: 'x' },
    ]);
    expect(parseParameterHeader("attachment; filename*1=b.pdf; filename*0*=utf-8''%C3%A9").params).toEqual([
      { name: 'filename*', value: "utf-8''%C3%A9b.pdf" },
    ]);
    const many = parseParameterHeader(`text/plain${Array.from({ length: 20_000 }, (_, i) => `; p${i}*0=v`).join('')}`);
    expect(many.params).toHaveLength(20_000);
  });

  it('decodes quoted-printable in one pass, however long a run of blanks (found by npm run fuzz)', () => {
    // "[ \t]+(\r?\n)" over the whole body retried at every tab of a long run: minutes for 600 kB.
    const qp = (body: string) => {
      const raw = Buffer.from(`Content-Transfer-Encoding: quoted-printable\r\n\r\n${body}`, 'latin1');
      return decodedBody(raw, parseMime(raw)).toString('latin1');
    };
    expect(qp(`${'\t'.repeat(600_000)}x`)).toHaveLength(600_001);
    expect(qp('caf=C3=A9 \t\r\nsoft=\r\nbreak=  \r\nend \n')).toBe('caf\xc3\xa9\r\nsoftbreakend\n');
  });
});
