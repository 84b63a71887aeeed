// Journals of real plays: the reference LPS plays a job (conformant or with one fault) against a running
// platform, and what the endpoints recorded — the job's attributable observations, with the window and the
// account — is kept. scripts/record-journals.ts writes them to test/fixtures/journals/ for the verdict tests;
// test/journal-shapes.test.ts plays some again and compares the shape of what the endpoints write now.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { attributable } from '../../src/catalogue/attribution.ts';
import { findJob } from '../../src/catalogue/jobs.ts';
import { kindOf } from '../../src/catalogue/kinds/index.ts';
import type { JobAccount } from '../../src/catalogue/verdicts/types.ts';
import type { FaultName } from '../../src/lps/faults.ts';
import { playJob, type LpsReport } from '../../src/lps/play.ts';
import type { Observation } from '../../src/observe/journal.ts';
import type { Platform } from '../../src/platform.ts';
import type { TestPlatform } from './platform.ts';
import { vendorWithAccount, type VendorAccount } from './vendor-lps.ts';

export interface Play {
  job: string;
  fault?: FaultName;
}

/** The recorded plays, in the order they are recorded (the first one fetches the CRLs the others reuse). */
export const PLAYS: Play[] = [
  { job: 'psc-tls-smtp' },
  { job: 'psc-tls-smtp', fault: 'forbidden-suite' },
  { job: 'authcli-tls-imap', fault: 'missing-suites' },
  { job: 'psc-auth-imap' },
  { job: 'psc-auth-smtp', fault: 'login-instead-of-xoauth2' },
  { job: 'authcli-auth-smtp' },
  { job: 'authcli-auth-imap', fault: 'wrong-ou' },
  { job: 'psc-headers-smtp' },
  { job: 'psc-headers-smtp', fault: 'wrong-ins' },
  { job: 'authcli-patient-smtp', fault: 'missing-mes' },
  { job: 'psc-revoked-imap' },
  { job: 'psc-expired-smtp', fault: 'accept-bad-certificate' },
  { job: 'psc-autoconfig-imap' },
  { job: 'authcli-autoconfig-smtp', fault: 'no-autoconfig' },
  { job: 'psc-reopen-imap' },
  { job: 'psc-access-imap', fault: 'no-inbox' },
];

/** The address the plays come from: the test platforms listen on the loopback. */
export const RECORDING_IP = '127.0.0.1';

export const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'journals');

export interface Recording {
  job: string;
  fault: FaultName | null;
  ip: string;
  account: JobAccount;
  window: { start: number; end: number };
  expected: LpsReport['expected'];
  observations: Observation[];
}

export function fixtureName(play: Play): string {
  return `${play.job}${play.fault ? `--${play.fault}` : ''}.json`;
}

export function readFixture(play: Play): Recording {
  return JSON.parse(readFileSync(path.join(FIXTURES, fixtureName(play)), 'utf8')) as Recording;
}

/** The vendor whose account the recordings are made for. */
export function recordingVendor(t: Pick<TestPlatform, 'platform' | 'config' | 'dataDir'>): Promise<VendorAccount> {
  return vendorWithAccount(
    { ...t, endpoint: (id) => t.config.endpoints.find((e) => e.id === id)!, stop: async () => {} },
    {
      login: 'recorder',
      immatriculation: '66666666600066',
      nil: 'DEV-RECORDED',
      idnatPsc: '810000000314',
      idnatAuthCli: '10314159265',
    },
  );
}

/** Plays a job as the runner would have it (its kind's platform action armed), and keeps what counts for it. */
export async function recordPlay(platform: Platform, vendor: VendorAccount, play: Play): Promise<Recording> {
  const job = findJob(play.job)!;
  const armed = kindOf(job).beforeWindow?.(job, vendor.account, {
    armClose: (trigger) => platform.sessions.armClose(trigger),
    runner: platform.config.runner,
  });
  const start = Date.now();
  let report: LpsReport;
  try {
    report = await playJob(job.id, vendor.context, play.fault ? { fault: play.fault } : {});
  } finally {
    armed?.cancel();
  }
  await closesRecorded(platform, report);
  const end = Date.now();
  const observations = attributable(
    job,
    vendor.account,
    RECORDING_IP,
    await platform.journal.query({ since: start, until: end }),
  );
  const { clientCertificate: _key, ...account } = vendor.account;
  return {
    job: job.id,
    fault: play.fault ?? null,
    ip: RECORDING_IP,
    account,
    window: { start, end },
    expected: report.expected,
    observations,
  };
}

/** The endpoints record asynchronously: waits (a few seconds at most) until each session the play opened is closed. */
async function closesRecorded(platform: Platform, report: LpsReport): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const closes = await platform.journal.query({ kind: 'session.close', since: report.startedAt });
    if (report.connections.every((c) => closes.some((o) => o.clientPort === c.localPort))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The shape of facts: for each kind, each field's path (`a.b[].c`) and the JSON types it took. */
export type Shape = Record<string, Record<string, string>>;

export function shapeOf(observations: Pick<Observation, 'kind' | 'data'>[]): Shape {
  const shape = new Map<string, Map<string, Set<string>>>();
  const walk = (value: unknown, at: string, fields: Map<string, Set<string>>) => {
    const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    if (!fields.has(at)) fields.set(at, new Set());
    fields.get(at)!.add(type);
    if (Array.isArray(value)) for (const item of value) walk(item, `${at}[]`, fields);
    else if (type === 'object')
      for (const [key, item] of Object.entries(value as object)) walk(item, `${at}.${key}`, fields);
  };
  for (const o of observations) {
    if (!shape.has(o.kind)) shape.set(o.kind, new Map());
    walk(o.data, '', shape.get(o.kind)!);
  }
  const sorted = <T>(entries: [string, T][]) => entries.sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(
    sorted([...shape]).map(([kind, fields]) => [
      kind,
      Object.fromEntries(sorted([...fields]).map(([at, types]) => [at || '.', [...types].sort().join('|')])),
    ]),
  );
}
