// Verdict functions judged on journals the endpoints really recorded while the reference LPS played a job
// (scripts/record-journals.ts writes them): conformant plays are OK, each fault fails its named check. These
// run in milliseconds and pin the verdicts to real observation shapes.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findJob } from '../../src/catalogue/jobs.ts';
import { kindOf } from '../../src/catalogue/kinds/index.ts';
import type { JobAccount } from '../../src/catalogue/verdicts/types.ts';
import type { Observation } from '../../src/observe/journal.ts';

interface Recording {
  job: string;
  fault: string | null;
  ip: string;
  account: JobAccount;
  window: { start: number; end: number };
  expected: { verdict: 'OK' | 'KO'; check: string | null };
  observations: Observation[];
}

const dir = path.join(import.meta.dirname, '..', 'fixtures', 'journals');
const recordings = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Recording] as const);

describe('verdicts on recorded journals', () => {
  it('has recordings of conformant plays and of faults', () => {
    expect(recordings.filter(([, r]) => r.fault === null).length).toBeGreaterThanOrEqual(5);
    expect(recordings.filter(([, r]) => r.fault !== null).length).toBeGreaterThanOrEqual(8);
  });

  it.each(recordings)('%s', (_, r) => {
    const job = findJob(r.job)!;
    const judgement = kindOf(job).judge({
      job,
      account: r.account,
      ip: r.ip,
      window: r.window,
      observations: r.observations,
      final: true,
    });
    expect(judgement.status).toBe(r.expected.verdict);
    const failed = judgement.checks.filter((c) => c.outcome === 'fail' || c.outcome === 'missing').map((c) => c.id);
    if (r.expected.check) expect(failed).toContain(r.expected.check);
    else expect(failed).toEqual([]);
    // Every observation a verdict cites is one of the recording's.
    const ids = new Set(r.observations.map((o) => o.id));
    for (const id of judgement.used) expect(ids.has(id)).toBe(true);
  });
});
