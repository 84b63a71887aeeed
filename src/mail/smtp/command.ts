// SMTP command lines (RFC 5321 §4.1.1): the verb and its arguments, or the reply refusing the line. Pure and
// socket-free, so that every line a client may send can be checked here (test/unit/fuzz-smtp.test.ts).
import type { Line } from '../line-reader.ts';

export type CommandLine =
  | { ok: true; verb: string; args: string }
  | { ok: false; verb: string; code: number; status: string; text: string; tooLong: boolean };

const VERB = /^[A-Za-z]{1,16}$/;

export function parseCommandLine(line: Pick<Line, 'text' | 'tooLong'>): CommandLine {
  if (line.tooLong) return { ok: false, verb: '', code: 500, status: '5.5.6', text: 'Line too long', tooLong: true };
  const text = line.text.toString('utf8');
  const space = text.indexOf(' ');
  const verb = (space < 0 ? text : text.slice(0, space)).toUpperCase();
  const args = space < 0 ? '' : text.slice(space + 1);
  if (!VERB.test(verb) || /[\x00-\x08\x0b-\x1f\x7f]/.test(text)) {
    return {
      ok: false,
      verb: verb.slice(0, 16),
      code: 500,
      status: '5.5.2',
      text: 'Syntax error, command unrecognized',
      tooLong: false,
    };
  }
  return { ok: true, verb, args };
}
