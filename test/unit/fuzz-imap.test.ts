// Property-based fuzzing of IMAP (issue 10): the command parser, and the handlers' argument parsers reached
// through it (fetch items and sections, search criteria, sequence sets, flags, status items, APPEND date-time,
// LIST patterns, mailbox names). Each input must end, within the time bound, in a command or a syntax error
// (BAD); inputs run in a worker under a watchdog, the corpus first. `npm run fuzz` runs the same much longer.
import { describe, expect, it } from 'vitest';
import { corpusFiles, describeFailure, runFuzz } from '../helpers/fuzz.ts';

describe('fuzzing IMAP', () => {
  it('parseCommand: every command line, literals and nesting included, parses or is a syntax error', async () => {
    expect(corpusFiles('imap-command').length).toBeGreaterThan(0);
    const result = await runFuzz('imap-command', { numRuns: 400, shrink: false });
    expect(result.ok, describeFailure(result)).toBe(true);
  });

  it('command handlers: every argument parser answers OK/NO/BAD, never another error', async () => {
    expect(corpusFiles('imap-handlers').length).toBeGreaterThan(0);
    const result = await runFuzz('imap-handlers', { numRuns: 250, shrink: false });
    expect(result.ok, describeFailure(result)).toBe(true);
  });
});
