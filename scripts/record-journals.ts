// Records real journals for the verdict unit tests: starts a platform, plays jobs with the reference LPS
// (conformant and with faults), and writes what the endpoints recorded (the job's attributable observations,
// the window and the account) to test/fixtures/journals/. Run: node --import tsx scripts/record-journals.ts
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { attributable } from '../src/catalogue/attribution.ts';
import { findJob } from '../src/catalogue/jobs.ts';
import { loadConfig } from '../src/config/config.ts';
import type { FaultName } from '../src/lps/faults.ts';
import { playJob } from '../src/lps/play.ts';
import { startPlatform } from '../src/platform.ts';
import { silentLogger } from '../src/util/log.ts';
import { REOPEN_CLOSE_REASON } from '../src/catalogue/verdicts/reopen.ts';
import { vendorWithAccount } from '../test/helpers/vendor-lps.ts';

const PLAYS: { job: string; fault?: FaultName }[] = [
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
const IP = '127.0.0.1';
const out = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'journals');

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'motco-record-'));
const config = loadConfig({ env: {}, cwd: dataDir, overrides: { dataDir, portBase: 31800, runner: { reopenImapDelaySeconds: 1 } } });
const platform = await startPlatform(config, { log: silentLogger });
try {
  // vendorWithAccount expects a test platform; it only needs these three members.
  const vendor = await vendorWithAccount({ platform, config, dataDir, endpoint: (id) => config.endpoints.find((e) => e.id === id)!, stop: async () => {} }, {
    login: 'recorder',
    immatriculation: '66666666600066',
    nil: 'DEV-RECORDED',
    idnatPsc: '810000000314',
    idnatAuthCli: '10314159265',
  });
  mkdirSync(out, { recursive: true });
  for (const play of PLAYS) {
    const job = findJob(play.job)!;
    const armed = job.kind === 'reopen' ? platform.sessions.armClose({ mailbox: vendor.account.personalMailbox!, protocol: 'imap', on: 'selected', exceptFolder: 'INBOX', delayMs: 1000, reason: REOPEN_CLOSE_REASON }) : undefined;
    const start = Date.now();
    const report = await playJob(job.id, vendor.context, play.fault ? { fault: play.fault } : {});
    armed?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the last closes be recorded
    const end = Date.now();
    const observations = attributable(job, vendor.account, IP, await platform.journal.query({ since: start, until: end }));
    const { clientCertificate: _key, ...account } = vendor.account;
    const file = path.join(out, `${play.job}${play.fault ? `--${play.fault}` : ''}.json`);
    writeFileSync(file, JSON.stringify({ job: job.id, fault: play.fault ?? null, ip: IP, account, window: { start, end }, expected: report.expected, observations }, null, 1) + '\n');
    console.log(`${path.basename(file)}: ${observations.length} observations`);
  }
} finally {
  await platform.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
