// `npm run bench -- journal` (issue 14): is the platform unaffected by a large journal? On one platform, measured
// with an empty journal, then again once the journal holds --observations facts (default 1,000,000) spread over
// 90 days, other vendors' mailboxes, thousands of addresses and sessions, with the facts of a real session as
// templates (so every row is a fact the endpoints would record):
// - job start: POST /api/v1/executions → 201 (the execution is running) and → its window open (first unit);
// - verdict latency: a real IMAP client (bench/imap-client.ts: STARTTLS, AUTHENTICATE PLAIN, SELECT, FETCH,
//   LOGOUT) on the job's endpoint; from the last fact its session recorded before the verdict (the decisive one)
//   to the verdict final (the execution's state event);
// - pages: GET /api/v1/journal (the vendor's first page, and the last hour), the execution page and the activity
//   list of the runner (HTML, with a web session), GET /api/v1/executions;
// then the time a purge takes (journal.retentionDays = 30: about two thirds of the rows go), and EXPLAIN QUERY
// PLAN of the journal's queries (SQLite) to show which index each uses. Options: --observations N, --rounds N.
import Sqlite from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { SESSION_COOKIE } from '../src/auth/sessions.ts';
import { Journal, type ObservationFilter } from '../src/observe/journal.ts';
import { JournalRetention } from '../src/observe/retention.ts';
import type { Platform } from '../src/platform.ts';
import type { Database } from '../src/store/schema.ts';
import { silentLogger } from '../src/util/log.ts';
import { benchSession } from './imap-client.ts';

export interface JournalScaleOptions {
  observations: number;
  rounds: number;
}

const DAY = 24 * 60 * 60 * 1000;
const TARGET = 'psc-tls-imap';
const ENDPOINT = 'psc';

interface Sample {
  name: string;
  ms: number[];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const begin = performance.now();
  await run();
  return performance.now() - begin;
}

/** A text message of about 2 kB for the client's FETCH. */
const MESSAGE = Buffer.from(
  `From: <bench@example.org>\r\nSubject: journal scale\r\n\r\n${'Lorem ipsum dolor sit amet.\r\n'.repeat(70)}`,
);

export async function journalScaleBenchmark(
  platform: Platform,
  dataDir: string,
  options: JournalScaleOptions,
): Promise<void> {
  const { config } = platform;
  console.log(
    `Journal scale: ${options.observations.toLocaleString('en')} observations, ` +
      `${options.rounds} rounds of each measure; ${os.cpus().length} CPUs, ` +
      `Node ${process.version}, ${platform.store.dialect}`,
  );

  // A vendor, its account (mailboxes provisioned at once), an API token and a web session.
  const organisation = await platform.users.createOrganisation({
    raisonSociale: 'Éditeur Banc SAS',
    immatriculation: '12345678900777',
  });
  const user = await platform.users.createUser({
    login: 'banc.editeur',
    role: 'vendor',
    organisation: organisation.immatriculation,
    givenName: 'Banc',
    familyName: 'Editeur',
  });
  const token = await platform.auth.tokens.create(user.id, 'bench');
  const cookie = `${SESSION_COOKIE}=${(await platform.auth.sessions.createSession(user.id)).value}`;
  const created = await platform.accounts.create(
    { nil: 'BANC-1', idnatPsc: '810001112223' },
    { organisationId: organisation.id, by: 'bench' },
  );
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  const account = created.account;
  const address = account.mailboxes.personal!;
  const mailbox = (await platform.mailboxes.find(address))!;
  await platform.mailboxes.append(mailbox.id, 'INBOX', MESSAGE);
  await platform.pki.exportTrust(dataDir);
  const endpoint = config.endpoints.find((e) => e.id === ENDPOINT)!;
  const target = {
    host: endpoint.address,
    port: endpoint.imapPort,
    servername: endpoint.host,
    ca: readFileSync(path.join(dataDir, 'igc-sante-test-roots.pem'), 'utf8'),
    user: address,
    password: (await platform.accounts.passwords(account)).personal!,
  };

  const http = async (url: string, init: RequestInit = {}, expect = 200): Promise<unknown> => {
    const response = await fetch(`${config.publicUrl}${url}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        cookie,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
    });
    const text = await response.text();
    if (response.status !== expect)
      throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${text.slice(0, 300)}`);
    return response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  };

  /** One job: started over the API, a real client session, the verdict. */
  const job = async () => {
    let windowOpen = 0;
    let lastFact = 0;
    let final = 0;
    const begin = performance.now();
    const beginEpoch = Date.now();
    // The facts recorded before the verdict: the last of them decided it (the session goes on after it: LOGOUT…).
    const unsubscribeFacts = platform.journal.subscribe({ mailbox: address }, () => {
      if (final === 0) lastFact = performance.now();
    });
    const execution = (await http(
      '/api/v1/executions',
      { method: 'POST', body: JSON.stringify({ account: account.id, target: TARGET, delai: 60 }) },
      201,
    )) as { id: number; status: string };
    const started = performance.now();
    if (execution.status !== 'running') throw new Error(`execution ${execution.id} is ${execution.status}`);
    const ended = new Promise<string>((resolve) => {
      const stop = platform.runner.follow(execution.id, (event) => {
        if (event.type === 'log' && event.line.event?.type === 'window.open') windowOpen = performance.now();
        if (event.type === 'state' && event.execution.status === 'finished') {
          final = performance.now();
          stop();
          resolve(event.execution.verdict ?? '');
        }
      });
    });
    // The window may have opened before the answer came back: its log line (its time in ms) tells when.
    for (;;) {
      const line = (await platform.executions.log(execution.id)).find((l) => l.event?.type === 'window.open');
      if (line) {
        windowOpen ||= begin + (line.at - beginEpoch);
        break;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await benchSession(target, MESSAGE.length);
    const verdict = await Promise.race([
      ended,
      new Promise<string>((_, reject) =>
        setTimeout(() => reject(new Error(`execution ${execution.id}: no verdict within 70 s`)), 70_000),
      ),
    ]);
    unsubscribeFacts();
    return {
      id: execution.id,
      verdict,
      startMs: started - begin,
      windowMs: windowOpen - begin,
      verdictMs: final - lastFact,
    };
  };

  const measure = async (): Promise<{ samples: Sample[]; executionId: number; verdicts: Set<string> }> => {
    const start: number[] = [];
    const window: number[] = [];
    const verdict: number[] = [];
    const verdicts = new Set<string>();
    let executionId = 0;
    for (let i = 0; i < options.rounds; i++) {
      const r = await job();
      start.push(r.startMs);
      window.push(r.windowMs);
      verdict.push(r.verdictMs);
      verdicts.add(r.verdict);
      executionId = r.id;
    }
    const page = async (url: string) => {
      await http(url); // warm
      const ms: number[] = [];
      for (let i = 0; i < options.rounds * 4; i++) ms.push(await timed(() => http(url)));
      return ms;
    };
    const lastHour = new Date(Date.now() - 3600_000).toISOString();
    const samples: Sample[] = [
      { name: 'job start: POST → running', ms: start },
      { name: 'job start: POST → window open', ms: window },
      { name: 'verdict: last fact → final', ms: verdict },
      { name: 'GET /api/v1/journal (first page)', ms: await page('/api/v1/journal') },
      {
        name: 'GET /api/v1/journal?since=1 h ago',
        ms: await page(`/api/v1/journal?since=${encodeURIComponent(lastHour)}`),
      },
      { name: 'execution page (HTML)', ms: await page(`/outil/${account.id}/executions/${executionId}`) },
      { name: 'activity list (HTML)', ms: await page(`/outil/${account.id}/activite`) },
      { name: 'GET /api/v1/executions', ms: await page('/api/v1/executions') },
      {
        name: 'GET /api/v1/executions/:id/export.json',
        ms: await page(`/api/v1/executions/${executionId}/export.json`),
      },
    ];
    return { samples, executionId, verdicts };
  };

  console.log('Measuring with an empty journal…');
  const before = await measure();
  const facts = await platform.journal.query({ mailbox: address });
  console.log(
    `Filling the journal to ${options.observations.toLocaleString('en')} observations (templates: ` +
      `the ${facts.length} facts of the measured sessions)…`,
  );
  const fillMs = await timed(() => fill(platform, facts, options.observations, [address]));
  const count = await platform.store.db
    .selectFrom('observations')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  console.log(`  ${Number(count.n).toLocaleString('en')} rows in ${(fillMs / 1000).toFixed(1)} s`);
  // The keep-alive connection the server closed during the fill: a GET finds out (and is retried), not the POST.
  await http('/api/v1/executions').catch(() => http('/api/v1/executions'));
  console.log(`Measuring with ${Number(count.n).toLocaleString('en')} observations…`);
  const after = await measure();

  console.log('');
  const header = [
    'measure (ms)',
    'p50 empty',
    'p99 empty',
    `p50 ${short(Number(count.n))}`,
    `p99 ${short(Number(count.n))}`,
    'ratio p50',
  ];
  const rows = before.samples.map((b, i) => {
    const a = after.samples[i]!;
    return [
      b.name,
      fmt(percentile(b.ms, 50)),
      fmt(percentile(b.ms, 99)),
      fmt(percentile(a.ms, 50)),
      fmt(percentile(a.ms, 99)),
      (percentile(a.ms, 50) / percentile(b.ms, 50)).toFixed(2),
    ];
  });
  console.log(table(header, rows));
  console.log(
    `verdicts: ${[...before.verdicts, ...after.verdicts].join(', ')} (${options.rounds} jobs per column; ` +
      `pages: ${options.rounds * 4} requests each)`,
  );

  if (platform.store.dialect === 'sqlite') await explain(platform.store.location, address);

  // Retention: a purge of what is older than 30 days (the measured executions' facts are cited or recent).
  const retention = new JournalRetention(platform.store.db, { days: 30, log: silentLogger });
  // How long the event loop is held meanwhile: each batch is one SELECT, one look at the cited ids, one DELETE.
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const purged = await retention.purge();
  delay.disable();
  const left = await platform.store.db
    .selectFrom('observations')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  console.log(
    `\npurge (retention 30 days): ${purged.deleted.toLocaleString('en')} observations deleted, ` +
      `${purged.kept} kept as cited, ${Number(left.n).toLocaleString('en')} left, ` +
      `in ${(purged.ms / 1000).toFixed(1)} s ` +
      `(${Math.round(purged.deleted / (purged.ms / 1000)).toLocaleString('en')} rows/s); ` +
      `event loop delay meanwhile p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, ` +
      `max ${(delay.max / 1e6).toFixed(1)} ms`,
  );
  const evidence = (await http(`/api/v1/executions/${after.executionId}/export.json`)) as { observations: unknown[] };
  console.log(`the last execution's evidence still shows ${evidence.observations.length} observations after the purge`);
  console.log(
    `load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (${os.cpus().length} CPUs)`,
  );
}

/**
 * Bulk rows: the template facts again and again, as sessions of 500 other mailboxes (1 % on the vendor's own),
 * from 2,000 addresses, ten-ish facts per session, spread evenly over the last 90 days up to an hour ago.
 * Written through the store (Kysely) in transactions of 20 INSERTs of 500 rows.
 */
async function fill(
  platform: Platform,
  templates: { kind: string; endpoint: string | null; protocol: string | null; data: unknown }[],
  total: number,
  own: string[],
): Promise<void> {
  const { db } = platform.store;
  const have = Number(
    (
      await db
        .selectFrom('observations')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const missing = total - have;
  const now = Date.now();
  const span = 90 * DAY - 3600_000;
  const domain = platform.config.mailDomain;
  const texts = templates.map((t) => JSON.stringify(t.data));
  const ROWS = 500;
  const PER_TRANSACTION = 20;
  for (let done = 0; done < missing; ) {
    await db.transaction().execute(async (trx) => {
      for (let k = 0; k < PER_TRANSACTION && done < missing; k++) {
        const rows: Omit<Database['observations'], 'id'>[] = [];
        for (; rows.length < ROWS && done < missing; done++) {
          const i = done % templates.length;
          const session = Math.floor(done / templates.length);
          const t = templates[i]!;
          const mailbox = session % 100 === 0 && own.length > 0 ? own[0]! : `bal-${session % 500}@${domain}`;
          rows.push({
            at: Math.round(now - 90 * DAY + (done / missing) * span),
            kind: t.kind,
            endpoint: t.endpoint,
            protocol: t.protocol,
            session_id: `bulk-${session}`,
            client_ip: `10.${(session >> 16) & 255}.${(session >> 8) & 7}.${session % 250}`,
            client_port: 30000 + (session % 30000),
            // Facts before the authentication carry no mailbox, as the endpoints record them.
            mailbox: t.kind === 'session.open' || t.kind.startsWith('tls.') ? null : mailbox,
            data: texts[i]!,
          });
        }
        await trx.insertInto('observations').values(rows).execute();
      }
    });
    if (done % 100_000 < ROWS * PER_TRANSACTION) process.stdout.write(`  ${done.toLocaleString('en')}\r`);
  }
}

/** EXPLAIN QUERY PLAN of the journal's queries, captured from a Journal on a second connection to the same file. */
async function explain(file: string, address: string): Promise<void> {
  const database = new Sqlite(file, { readonly: true });
  const captured: CompiledQuery[] = [];
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database }),
    log: (event) => void captured.push(event.query),
  });
  const journal = new Journal(db);
  const floor = Number((database.prepare('select max(id) as m from observations').get() as { m: number }).m) - 100;
  const since = Date.now() - 60_000;
  const queries: [string, ObservationFilter][] = [
    ['runner window load, by mailbox', { afterId: floor, since, mailbox: [address] }],
    ['runner window load, by address', { afterId: floor, since, clientIp: '10.0.1.7' }],
    ['runner window load, attempts', { afterId: floor, since, kind: ['auth', 'command'] }],
    ['runner, a session followed', { sessionId: 'bulk-123', since }],
    ['journal API, vendor first page', { mailbox: [address], limit: 200 }],
    ['journal API, vendor since 1 h', { mailbox: [address], since: Date.now() - 3600_000, limit: 200 }],
    ['journal API, next page (after)', { mailbox: [address], afterId: floor, limit: 200 }],
    ['evidence, id range', { afterId: floor, limit: 50 }],
  ];
  console.log('\nEXPLAIN QUERY PLAN (SQLite) of the journal’s queries, and the time each takes now:');
  try {
    for (const [name, filter] of queries) {
      captured.length = 0;
      const ms = await timed(() => journal.query(filter));
      const query = captured[0]!;
      const plan = database.prepare(`explain query plan ${query.sql}`).all(...(query.parameters as unknown[])) as {
        detail: string;
      }[];
      console.log(`- ${name} (${ms.toFixed(1)} ms): ${plan.map((p) => p.detail).join(' | ')}`);
    }
    // The retention's batch, captured the same way (a retention of a century: it reads and deletes nothing).
    captured.length = 0;
    await new JournalRetention(db, { days: 36500, log: silentLogger }).purge();
    const batch = captured.find((q) => /from "observations"/.test(q.sql))!;
    const plan = database.prepare(`explain query plan ${batch.sql}`).all(...(batch.parameters as unknown[])) as {
      detail: string;
    }[];
    console.log(`- retention batch: ${plan.map((p) => p.detail).join(' | ')}`);
  } finally {
    await db.destroy();
  }
}

const fmt = (ms: number) => ms.toFixed(1);
const short = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(n % 1e6 ? 1 : 0)}M` : n >= 1e3 ? `${Math.round(n / 1e3)}k` : String(n);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
