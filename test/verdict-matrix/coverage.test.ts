// The verdict matrix covers the catalogue: every unit job has a conformant act judged OK and a non-conformance
// judged KO, some jobs are tried in silence (INCONCLUSIVE), every case is played by one of the matrix files,
// and no two cases share a source address (each is its job's Adresse IP).
import { describe, expect, it } from 'vitest';
import { UNIT_JOBS } from '../../src/catalogue/jobs.ts';
import { CASES, FILES, type Family } from './cases.ts';

describe('verdict matrix coverage', () => {
  it('gives every unit job an OK case and a KO case, with several clients', () => {
    for (const job of UNIT_JOBS) {
      const cases = CASES.filter((c) => c.job === job.id);
      expect(
        cases.some((c) => c.expect.verdict === 'OK'),
        job.id,
      ).toBe(true);
      expect(
        cases.some((c) => c.expect.verdict === 'KO'),
        job.id,
      ).toBe(true);
    }
    expect(CASES.every((c) => UNIT_JOBS.some((j) => j.id === c.job))).toBe(true);
    const clients = new Set(CASES.flatMap((c) => c.client.split(/ \+ | \(/)).map((c) => c.trim()));
    for (const client of ['python', 'curl', 'openssl s_client', 'msmtp', 'swaks', 'dig'])
      expect(clients).toContain(client);
    const verdicts = Object.fromEntries(
      ['OK', 'KO', 'INCONCLUSIVE'].map((v) => [v, CASES.filter((c) => c.expect.verdict === v).length]),
    );
    console.log(
      `verdict matrix: ${new Set(CASES.map((c) => c.job)).size} unit jobs × ${CASES.length} cases, ` +
        `expected verdicts ${JSON.stringify(verdicts)}`,
    );
  });

  it('tries a few jobs in silence, expecting INCONCLUSIVE', () => {
    expect(CASES.filter((c) => c.expect.verdict === 'INCONCLUSIVE').length).toBeGreaterThanOrEqual(4);
  });

  it('plays every case in one file, each from its own address', () => {
    const played = new Set<Family>(Object.values(FILES).flat());
    expect(CASES.every((c) => played.has(c.family))).toBe(true);
    expect(new Set(CASES.map((c) => c.ip)).size).toBe(CASES.length);
  });
});
