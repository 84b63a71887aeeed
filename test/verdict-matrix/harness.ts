// The verdict matrix's machinery: one test platform per file, accounts as vendors get them (API view:
// mailboxes, their own passwords, the ORG_AUTH_CLI certificate), the trust files a vendor exports, a small
// « LPS back end » serving PSC tokens over HTTP (msmtp's passwordeval and the python client fetch theirs
// there, as an LPS asks its own back end; each case has its own PSC sessions, since PSC rotates refresh
// tokens and a reused one revokes the session), and one execution of a unit job per case while clients nobody here
// wrote act. Every case leaves from its own loopback address and gives it as the job's Adresse IP, so cases
// run side by side without one's traffic counting for another.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJob, type UnitJob } from '../../src/catalogue/jobs.ts';
import type { EndpointId } from '../../src/config/schema.ts';
import { identityDb } from '../../src/identity/db.ts';
import { PSC_TOOLS_SECRET, TOOLS_CLIENT_ID } from '../../src/identity/issuers.ts';
import { Secrets } from '../../src/identity/secrets.ts';
import { PscTokenSource } from '../../src/lps/tokens.ts';
import type { Execution, LogLine } from '../../src/runner/types.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { run, type RunResult } from '../helpers/run.ts';
import { vendorWithAccount, type VendorAccount } from '../helpers/vendor-lps.ts';
import type { Case, Family } from './cases.ts';

/** The interpreter `python3` runs, resolved once: a version manager's shim costs a shell per client run. */
const PYTHON = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

/** Short windows: OK and KO cases end as soon as the verdict is certain; only INCONCLUSIVE ones wait. */
export const DELAI = { decided: 25, silent: 3 } as const;

export interface Files {
  dir: string;
  /** igc-sante-test-roots.pem: the only roots a conformant LPS trusts for mail. */
  trust: string;
  /** The IGC organisation CA's CRL, PEM (revocation check of the server's leaf). */
  crl: string;
  /** The stand-in commercial root (the HTTPS autoconfig host, and what « AC non IGC » asks to trust system-wide). */
  nonIgcRoot: string;
}

export interface Vendor extends VendorAccount {
  login: string;
  certFile: string;
  keyFile: string;
  /** Another structure's ORG_AUTH_CLI certificate (wrong OU). */
  foreignCertFile: string;
  foreignKeyFile: string;
  /** The mailbox's own password, as the account's API view gives it to its vendor. */
  password(address: string): string;
}

export type TokenKind = 'access' | 'id' | 'expired';

export interface Matrix {
  t: TestPlatform;
  /** PSC sessions of each case, by case and login, and the back end's base URL. */
  tokens: { sources: Map<string, Map<string, PscTokenSource>>; base: string; secret: string };
  files: Files;
  /** alice: the account most cases run for; bob: another vendor (foreign token, foreign mailbox). */
  alice: Vendor;
  bob: Vendor;
  /** Accounts of their own for the reopen cases (the platform closes a mailbox's first session). */
  reopen: Vendor[];
}

/** What a case's act receives. */
export interface CaseContext extends Matrix {
  job: UnitJob;
  /** The case's own loopback address: its clients leave from it, and it is the job's Adresse IP. */
  ip: string;
  /** The account the case runs for. */
  me: Vendor;
  endpoint(id: EndpointId): { host: string; address: string; imapPort: number; smtpPort: number };
  /** Runs an external client; its output goes into the case's failure message. */
  run(command: string, args: string[], options?: { input?: string | Buffer; timeoutMs?: number }): Promise<RunResult>;
  /** test/clients/lps_client.py with a JSON job; returns its report. */
  python(job: Record<string, unknown>): Promise<Record<string, any>>;
  /** A message as RFC 5322 text, built by the python client (for curl, msmtp and swaks). */
  message(spec: Record<string, unknown>): Promise<string>;
  /** Writes a file in the case's folder (msmtp configuration, messages). */
  file(name: string, content: string): string;
  /** A fresh PSC access token of the case's account (or of `who`). */
  token(kind?: TokenKind, who?: Vendor): Promise<string>;
  /** A URL of the case's back end answering a token of the account's (or `who`'s) PSC identity. */
  tokenUrl(kind?: TokenKind, who?: Vendor): string;
}

export interface CaseResult {
  execution: Execution;
  log: LogLine[];
  transcript: string[];
}

const IDENTITIES = {
  alice: {
    login: 'alice',
    immatriculation: '11111111100011',
    nil: 'DEV-ALICE',
    idnatPsc: '810000000123',
    idnatAuthCli: '10123456789',
  },
  bob: {
    login: 'bob',
    immatriculation: '22222222200022',
    nil: 'DEV-BOB',
    idnatPsc: '810000000456',
    idnatAuthCli: '10987654321',
  },
};

/** Declares one file's matrix: a platform, its accounts, and one concurrent test per case. */
export function matrixFile(
  title: string,
  families: readonly Family[],
  cases: Case[],
  options: { reopenAccounts?: number } = {},
): void {
  const mine = cases.filter((c) => families.includes(c.family));
  const m = {} as Matrix;
  let server: http.Server | undefined;
  const summary: { job: string; client: string; act: string; verdict: string }[] = [];

  beforeAll(async () => {
    // Tokens live 10 s (the shortest setting) and are checked without tolerance, so that an expired token
    // takes seconds to get; the reopen delay after a folder other than INBOX is selected is 1 s.
    m.t = await startTestPlatform({
      psc: { accessTokenTtlSeconds: 10, clockSkewSeconds: 0 },
      runner: { reopenImapDelaySeconds: 1, delaiMinSeconds: 2 },
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'motco-matrix-'));
    await m.t.platform.pki.exportTrust(dir);
    m.files = {
      dir,
      trust: path.join(dir, 'igc-sante-test-roots.pem'),
      crl: path.join(dir, 'igc-sante-test-org.crl.pem'),
      nonIgcRoot: path.join(dir, 'non-igc-root.pem'),
    };
    const sources = new Map<string, Map<string, PscTokenSource>>();
    server = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://back-end');
      const source = sources.get(url.searchParams.get('case') ?? '')?.get(url.searchParams.get('who') ?? '');
      const kind = (url.searchParams.get('kind') ?? 'access') as TokenKind;
      if (!source) return void response.writeHead(404).end();
      tokenOf(source, kind).then(
        (token) => response.writeHead(200, { 'content-type': 'text/plain' }).end(token),
        (error: Error) => response.writeHead(500).end(error.message),
      );
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const secret = (await new Secrets(identityDb(m.t.platform.store.db)).get(PSC_TOOLS_SECRET))!;
    m.tokens = { sources, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`, secret };
    const vendorOf = async (o: (typeof IDENTITIES)['alice']): Promise<Vendor> => {
      const v = await vendorWithAccount(m.t, o);
      const write = (name: string, content: string) => {
        const file = path.join(dir, `${o.login}-${name}`);
        writeFileSync(file, content, { mode: 0o600 });
        return file;
      };
      return {
        ...v,
        login: o.login,
        certFile: write('cert.pem', v.account.clientCertificate!.certPem),
        keyFile: write('key.pem', v.account.clientCertificate!.keyPem),
        foreignCertFile: write('foreign-cert.pem', v.context.foreignClientCertificate!.certPem),
        foreignKeyFile: write('foreign-key.pem', v.context.foreignClientCertificate!.keyPem),
        password: (address) => {
          const password = v.context.passwords[address];
          if (!password) throw new Error(`no password for ${address}`);
          return password;
        },
      };
    };
    m.alice = await vendorOf(IDENTITIES.alice);
    m.bob = await vendorOf(IDENTITIES.bob);
    m.reopen = [];
    for (let i = 0; i < (options.reopenAccounts ?? 0); i++) {
      m.reopen.push(
        await vendorOf({
          login: `reopen${i}`,
          immatriculation: `3333333330${String(i).padStart(4, '0')}`,
          nil: `DEV-REOPEN-${i}`,
          idnatPsc: `8100000009${String(i).padStart(2, '0')}`,
          idnatAuthCli: `1055555555${i}`,
        }),
      );
    }
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await m.t?.stop();
    if (m.files?.dir) rmSync(m.files.dir, { recursive: true, force: true });
    // The matrix's size and verdicts, for the record (npm test output).
    const counts = summary.reduce<Record<string, number>>(
      (all, s) => ({ ...all, [s.verdict]: (all[s.verdict] ?? 0) + 1 }),
      {},
    );
    console.log(
      `verdict matrix — ${title}: ${new Set(summary.map((s) => s.job)).size} jobs × ${summary.length} cases, ` +
        `verdicts ${JSON.stringify(counts)}`,
    );
  });

  describe.concurrent(title, () => {
    it.each(
      mine.map(
        (c) =>
          [
            `${c.job} · ${c.client} · ${c.act} → ${c.expect.verdict}${c.expect.check ? ` (${c.expect.check})` : ''}`,
            c,
          ] as const,
      ),
    )('%s', async (_, c) => {
      const result = await runCase(m, c);
      const explain = [
        ...result.log.map((l) => `${new Date(l.at).toISOString().slice(11, 23)} [${l.level}] ${l.text}`),
        '--- client ---',
        ...result.transcript,
      ].join('\n');
      // MATRIX_DEBUG=1 prints every case's log and client transcript, passing or not.
      if (process.env.MATRIX_DEBUG) console.log(`${c.job} · ${c.act}\n${explain}`);
      summary.push({ job: c.job, client: c.client, act: c.act, verdict: result.execution.verdict ?? '' });
      expect(result.execution.verdict, explain).toBe(c.expect.verdict);
      if (c.expect.check) {
        const check = result.execution.checks.find((k) => k.id === c.expect.check);
        expect(check, explain).toBeDefined();
        expect(check!.outcome, explain).toBe(
          c.expect.outcome ??
            (c.expect.verdict === 'OK' ? 'pass' : c.expect.verdict === 'INCONCLUSIVE' ? 'missing' : 'fail'),
        );
        if (c.expect.text) expect(check!.detail, explain).toMatch(c.expect.text);
        if (c.expect.critical !== undefined) expect(Boolean(check!.critical), explain).toBe(c.expect.critical);
      }
    });
  });
}

function tokenOf(tokens: PscTokenSource, kind: TokenKind): Promise<string> {
  if (kind === 'id') return tokens.idToken();
  if (kind === 'expired') return tokens.expiredAccess(() => {});
  return tokens.access();
}

/** Starts the job with the case's address, lets the client act once the window is open, waits for the verdict. */
async function runCase(m: Matrix, c: Case): Promise<CaseResult> {
  const job = findJob(c.job);
  if (!job) throw new Error(`unknown job ${c.job}`);
  const me = c.account === 'bob' ? m.bob : typeof c.account === 'number' ? m.reopen[c.account]! : m.alice;
  const transcript: string[] = [];
  const folder = mkdtempSync(path.join(m.files.dir, 'case-'));
  // The case's own PSC sessions, one per identity it uses.
  const key = path.basename(folder);
  const sessions = new Map<string, PscTokenSource>();
  m.tokens.sources.set(key, sessions);
  const source = (who: Vendor) => {
    let found = sessions.get(who.login);
    if (!found) {
      found = new PscTokenSource(
        {
          discoveryUrl: m.t.platform.identity.psc.discoveryUrl,
          clientId: TOOLS_CLIENT_ID,
          clientSecret: m.tokens.secret,
          idnat: who.account.idnatPsc!,
        },
        m.t.config.psc.clockSkewSeconds,
      );
      sessions.set(who.login, found);
    }
    return found;
  };
  const ctx: CaseContext = {
    ...m,
    job,
    ip: c.ip,
    me,
    endpoint: (id) => m.t.endpoint(id),
    async run(command, args, options = {}) {
      const began = Date.now();
      const r = await run(command, args, { timeoutMs: 40_000, ...options });
      transcript.push(
        `$ ${command} ${args.join(' ')}`,
        `exit ${r.code} after ${Date.now() - began} ms`,
        r.stdout.slice(0, 4000),
        r.stderr.slice(0, 4000),
      );
      return r;
    },
    async python(job) {
      transcript.push(`python job at ${Date.now() / 1000}`);
      const r = await ctx.run(PYTHON, ['-W', 'ignore::DeprecationWarning', 'test/clients/lps_client.py'], {
        input: JSON.stringify({ source: c.ip, ...job }),
      });
      try {
        return JSON.parse(r.stdout) as Record<string, any>;
      } catch {
        return { ok: false, error: 'no report', stderr: r.stderr };
      }
    },
    async message(spec) {
      const r = await run(PYTHON, ['test/clients/lps_client.py', '--message'], { input: JSON.stringify(spec) });
      if (r.code !== 0) throw new Error(r.stderr);
      return r.stdout;
    },
    file(name, content) {
      const file = path.join(folder, name);
      writeFileSync(file, content, { mode: 0o600 });
      return file;
    },
    token: (kind = 'access', who = me) => tokenOf(source(who), kind),
    tokenUrl: (kind = 'access', who = me) => {
      source(who);
      return `${m.tokens.base}?case=${key}&who=${who.login}&kind=${kind}`;
    },
  };
  const started = await m.t.platform.runner.start({
    accountId: me.id,
    target: job.id,
    delai: c.delai ?? (c.expect.verdict === 'INCONCLUSIVE' ? DELAI.silent : DELAI.decided),
    ip: c.ip,
    startedBy: 'verdict-matrix',
  });
  if (!started.ok) throw new Error(JSON.stringify(started.errors));
  const ended = finished(m.t, started.execution.id);
  try {
    await c.play(ctx);
  } catch (error) {
    transcript.push(`act failed: ${(error as Error).stack ?? String(error)}`);
  }
  const execution = await ended;
  m.tokens.sources.delete(key);
  return { execution, log: await m.t.platform.executions.log(execution.id), transcript };
}

function finished(t: TestPlatform, id: number): Promise<Execution> {
  return new Promise((resolve) => {
    const stop = t.platform.runner.follow(id, (event) => {
      if (event.type === 'state' && event.execution.status === 'finished') {
        stop();
        resolve(event.execution);
      }
    });
  });
}
