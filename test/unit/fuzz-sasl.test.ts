// Property-based fuzzing of the SASL decoders (issue 10): an exchange of every mechanism (start with or without an
// initial response, then client lines), decodeBase64, parsePlain, parseXoauth2, parseOauthBearer. Each ends in
// credentials, a challenge or a SASL error step, and every mechanism is over within two client responses.
import { describe, expect, it } from 'vitest';
import { describeFailure, runFuzz } from '../helpers/fuzz.ts';

describe('fuzzing SASL', () => {
  it('every exchange ends in credentials or an error step, never an exception', async () => {
    const result = await runFuzz('sasl', { numRuns: 400, shrink: false });
    expect(result.ok, describeFailure(result)).toBe(true);
  });
});
