// Property-based fuzzing of SMTP command handling (issue 10): command lines, MAIL FROM / RCPT TO paths and their
// parameters, AUTH arguments; and the line reader both protocols read through (lines, literals, DATA, arriving
// in chunks of any size). Each input ends, within the time bound, in a value or a refusal; `npm run fuzz` runs longer.
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/mail/smtp/command.ts';
import { parsePath } from '../../src/mail/smtp/envelope.ts';
import { describeFailure, runFuzz } from '../helpers/fuzz.ts';

describe('fuzzing SMTP', () => {
  it('command lines and paths: a command, a path or a refusal, never an exception', async () => {
    const result = await runFuzz('smtp-command', { numRuns: 300, shrink: false });
    expect(result.ok, describeFailure(result)).toBe(true);
  });

  it('the line reader: every stream, in any chunking, is read to its end', async () => {
    const result = await runFuzz('line-reader', { numRuns: 200, shrink: false });
    expect(result.ok, describeFailure(result)).toBe(true);
  });

  it('reads command lines and paths as the session did', () => {
    expect(parseCommandLine({ text: Buffer.from('mail FROM:<a@b.fr> SIZE=10'), tooLong: false })).toEqual({
      ok: true,
      verb: 'MAIL',
      args: 'FROM:<a@b.fr> SIZE=10',
    });
    expect(parseCommandLine({ text: Buffer.from('MA\x00IL'), tooLong: false })).toMatchObject({
      ok: false,
      code: 500,
      status: '5.5.2',
    });
    expect(parseCommandLine({ text: Buffer.alloc(0), tooLong: true })).toMatchObject({
      ok: false,
      code: 500,
      status: '5.5.6',
      tooLong: true,
    });
    // Spaces, then text cut by U+2028 (which `.` does not match): "\s*(.*)$" backtracked quadratically.
    expect(parsePath(`FROM:${' '.repeat(100_000)}x\u2028y`, 'FROM')).toMatchObject({
      error: 'invalid address x\u2028y',
    });
    expect(parsePath('FROM: <a@b.fr> BODY=8BITMIME', 'FROM')).toMatchObject({
      address: 'a@b.fr',
      params: new Map([['BODY', '8BITMIME']]),
    });
  });
});
