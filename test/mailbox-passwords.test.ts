// No shared secret opens a vendor's mailbox: each mailbox has its own generated password, which real clients
// (python3 imaplib and smtplib, curl) use on psc; the manual's shared password opens nothing unless the operator
// sets it; on org an applicative mailbox opens only with its ORG_AUTH_CLI certificate, as at an MSSanté
// operator; the account's owner reads and renews the passwords (API, `motco account`), nobody else; no API
// answer names a file on the server; and start-up warns when the shared password is set on a shared instance.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { MailboxStore } from '../src/mail/mailbox/store.ts';
import { startPlatform } from '../src/platform.ts';
import { migrations } from '../src/store/migrations.ts';
import { openStore } from '../src/store/store.ts';
import { createLogger } from '../src/util/log.ts';
import { staff, vendor } from './helpers/api.ts';
import { waitFor } from './helpers/observations.ts';
import { randomPortBase, startTestPlatform, testDataDir, type TestPlatform } from './helpers/platform.ts';
import { motco, run } from './helpers/run.ts';

let t: TestPlatform;
let files: string;
let trust: string;
let owner: Awaited<ReturnType<typeof vendor>>;
let accountId: number;
let personal: string;
let applicative: string;
const SHARED = 'ODTMotco2';

beforeAll(async () => {
  t = await startTestPlatform();
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-passwords-'));
  trust = path.join(files, 'roots.pem');
  writeFileSync(trust, t.platform.pki.trustBundlePem());
  owner = await vendor(t.platform, { login: 'proprietaire', immatriculation: '77777777700077' });
  const created = await owner.api('POST', '/accounts', {
    nil: 'BAL-MDP',
    idnatPsc: '810000000777',
    idnatAuthCli: '10123456700',
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  accountId = created.body.id;
  personal = created.body.mailboxes.personal;
  applicative = created.body.mailboxes.applicative;
});

afterAll(async () => {
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

const passwords = async () =>
  (await owner.api('GET', `/accounts/${accountId}`)).body.passwords as {
    personal: string;
    applicative: string;
    patient: string;
  };

type Job = Record<string, unknown>;
const python = async (client: 'imap' | 'smtp', job: Job) => {
  const r = await run('python3', [`test/clients/${client}_client.py`], { input: JSON.stringify(job) });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Record<string, any>;
};
const imap = (id: 'psc' | 'org', job: Job) =>
  python('imap', {
    host: t.endpoint(id).address,
    port: t.endpoint(id).imapPort,
    cafile: trust,
    steps: [['select', 'INBOX']],
    ...job,
  });
const smtp = (id: 'psc' | 'org', job: Job) =>
  python('smtp', {
    host: t.endpoint(id).address,
    port: t.endpoint(id).smtpPort,
    cafile: trust,
    mechanism: 'PLAIN',
    ...job,
  });
/** The journal's verdict on the latest authentication of `user` on an endpoint. */
const lastAuth = (endpoint: string, user: string, reason: string) =>
  waitFor(t.platform.journal, { kind: 'auth', endpoint }, (o) => o.data.user === user && o.data.reason === reason);

describe('a stranger who knows the address', () => {
  it(
    'is refused over IMAP and SMTP with a guess and with the manual’s shared password, ' +
      'which the platform no longer sets',
    async () => {
      expect(t.config.webmailPassword).toBeUndefined();
      for (const password of [SHARED, 'devine']) {
        expect(await imap('psc', { mechanism: 'LOGIN', user: personal, password })).toMatchObject({
          ok: false,
          error: 'imap',
          stage: 'auth',
        });
        expect(await smtp('psc', { user: personal, password })).toMatchObject({ ok: false, error: 'smtp', code: 535 });
      }
      expect((await lastAuth('psc', personal, 'bad_password')).data).toMatchObject({ outcome: 'failure' });
      // Nor through the webmail: its password form does not exist without the setting.
      const form = await fetch(`${t.config.publicUrl}/webmail/connexion`, {
        method: 'POST',
        body: new URLSearchParams({ adresse: personal, motdepasse: SHARED }),
        redirect: 'manual',
      });
      expect(form.status).toBe(404);
    },
  );
});

describe('the mailbox’s own password', () => {
  it('opens it over IMAP (imaplib LOGIN) and SMTP (smtplib AUTH PLAIN, curl) on psc', async () => {
    const { personal: password } = await passwords();
    expect(password).toMatch(/^([a-z2-9]{4}-){6}[a-z2-9]{4}$/);
    expect(await imap('psc', { mechanism: 'LOGIN', user: personal, password })).toMatchObject({
      ok: true,
      steps: [['OK', [expect.any(String)]]],
    });
    expect((await lastAuth('psc', personal, 'password')).data).toMatchObject({
      outcome: 'success',
      mechanism: 'LOGIN-COMMAND',
    });
    const sent = await smtp('psc', {
      user: personal,
      password,
      from: personal,
      to: [personal],
      message: 'Subject: par smtplib\r\n\r\ncorps\r\n',
    });
    expect(sent).toMatchObject({ ok: true, auth: [235, expect.any(String)], refused: {} });
    const e = t.endpoint('psc');
    const curl = await run(
      'curl',
      [
        '-sS',
        '--ssl-reqd',
        '--cacert',
        trust,
        '--connect-to',
        `${e.host}:${e.smtpPort}:${e.address}:${e.smtpPort}`,
        `smtp://${e.host}:${e.smtpPort}`,
        '--user',
        `${personal}:${password}`,
        '--mail-from',
        personal,
        '--mail-rcpt',
        personal,
        '-T',
        '-',
      ],
      { input: 'Subject: par curl\r\n\r\ncorps\r\n' },
    );
    expect(curl.code, curl.stderr).toBe(0);
  });

  it(
    'opens an applicative mailbox on psc, ' +
      'but not on org without its ORG_AUTH_CLI certificate; with it, org accepts',
    async () => {
      const { applicative: password } = await passwords();
      expect(await imap('psc', { mechanism: 'LOGIN', user: applicative, password })).toMatchObject({ ok: true });
      // org: the right password without a certificate is refused, over IMAP and SMTP alike.
      expect(await imap('org', { mechanism: 'LOGIN', user: applicative, password })).toMatchObject({
        ok: false,
        error: 'imap',
      });
      expect(await smtp('org', { user: applicative, password })).toMatchObject({ ok: false, error: 'smtp', code: 535 });
      expect((await lastAuth('org', applicative, 'client_certificate_required')).data).toMatchObject({
        outcome: 'failure',
      });
      // With the account's certificate (OU = its IdNat AUTH_CLI) org opens it, the password field being no matter.
      const own = (await t.platform.accounts.get(accountId))!.certificate!.files;
      expect(
        await imap('org', {
          mechanism: 'LOGIN',
          user: applicative,
          password: 'sans importance',
          certfile: own.chain,
          keyfile: own.key,
        }),
      ).toMatchObject({ ok: true });
      expect(await smtp('org', { user: applicative, password, certfile: own.chain, keyfile: own.key })).toMatchObject({
        ok: true,
        auth: [235, expect.any(String)],
      });
      expect((await lastAuth('org', applicative, 'client_certificate')).data).toMatchObject({
        outcome: 'success',
        certificateOu: '10123456700',
      });
      // Another structure's certificate, with the right password: refused.
      const foreign = (await t.platform.pki.issueClientCertificate('10999000111')).files;
      expect(
        await smtp('org', { user: applicative, password, certfile: foreign.chain, keyfile: foreign.key }),
      ).toMatchObject({ ok: false, code: 535 });
      expect((await lastAuth('org', applicative, 'certificate_ou_mismatch')).data).toMatchObject({
        outcome: 'failure',
        certificateOu: '10999000111',
      });
      // A personal mailbox keeps its password on org (only applicative mailboxes need the certificate).
      expect(
        await imap('org', { mechanism: 'LOGIN', user: personal, password: (await passwords()).personal }),
      ).toMatchObject({ ok: true });
    },
  );
});

describe('who reads and renews the passwords', () => {
  it('gives them to the account’s vendor only, and names no server file in any answer', async () => {
    const mine = (await owner.api('GET', `/accounts/${accountId}`)).body;
    expect(mine.passwords).toEqual({
      personal: expect.any(String),
      applicative: expect.any(String),
      patient: expect.any(String),
    });
    expect(new Set(Object.values(mine.passwords)).size).toBe(3);
    const admin = await staff(t.platform, 'operateur', 'admin');
    const seen = (await admin.api('GET', `/accounts/${accountId}`)).body;
    expect(seen.passwords).toBeNull();
    expect(
      (await admin.api('GET', '/accounts')).body.accounts.every((a: { passwords: unknown }) => a.passwords === null),
    ).toBe(true);
    const other = await vendor(t.platform, { login: 'concurrent', immatriculation: '88888888800088' });
    expect((await other.api('GET', `/accounts/${accountId}`)).status).toBe(404);
    expect((await other.api('POST', `/accounts/${accountId}/mailboxes/personal/password`)).status).toBe(404);
    for (const body of [mine, seen]) {
      expect(body.certificate).not.toHaveProperty('files');
      expect(JSON.stringify(body)).not.toContain(t.dataDir);
    }
  });

  it(
    'renews one through the API (a route of the OpenAPI document): ' + 'the old password stops opening the mailbox',
    async () => {
      const before = await passwords();
      const renewed = await owner.api('POST', `/accounts/${accountId}/mailboxes/personal/password`);
      expect(renewed.status).toBe(200);
      expect(renewed.body.passwords.personal).not.toBe(before.personal);
      expect(renewed.body.passwords.applicative).toBe(before.applicative);
      expect(await imap('psc', { mechanism: 'LOGIN', user: personal, password: before.personal })).toMatchObject({
        ok: false,
        error: 'imap',
      });
      expect(
        await imap('psc', { mechanism: 'LOGIN', user: personal, password: renewed.body.passwords.personal }),
      ).toMatchObject({ ok: true });
      const document = (await owner.api('GET', '/openapi.json')).body;
      expect(document.paths['/api/v1/accounts/{id}/mailboxes/{role}/password'].post.operationId).toBe(
        'renewMailboxPassword',
      );
    },
  );

  it('shows them with `motco account show --json` and renews one with `motco account renew-password`', async () => {
    const cli = (args: string[]) => motco([...args, '--data', t.dataDir]);
    const shown = await cli(['account', 'show', 'BAL-MDP', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout).passwords).toEqual(await passwords());
    const before = await passwords();
    const renewed = await cli(['account', 'renew-password', 'BAL-MDP', '--role', 'applicative', '--json']);
    expect(renewed.code, renewed.stderr).toBe(0);
    const after = JSON.parse(renewed.stdout).passwords;
    expect(after.applicative).not.toBe(before.applicative);
    expect(after).toEqual(await passwords());
    const box = (await t.platform.mailboxes.find(applicative))!;
    expect(await t.platform.mailboxes.passwordMatches(box.id, before.applicative)).toBe(false);
    expect((await cli(['account', 'renew-password', 'BAL-MDP'])).code).toBe(2);
  });
});

describe('the manual’s shared password as an explicit setting', () => {
  it(
    'is accepted besides each mailbox’s own when set, ' +
      'and start-up warns once two organisations share the instance',
    async () => {
      const dataDir = testDataDir('motco-shared-');
      const lines: string[] = [];
      const log = createLogger('info', {}, (line) => lines.push(line));
      const config = loadConfig({
        env: { MOTCO_WEBMAIL_PASSWORD: SHARED },
        cwd: dataDir,
        overrides: { dataDir, portBase: randomPortBase() },
      });
      const warned = () => lines.some((l) => l.includes('WARN') && l.includes('webmailPassword'));
      try {
        const first = await startPlatform(config, { log });
        let box: string;
        try {
          expect(warned()).toBe(false);
          box = (await first.mailboxes.create(`810000000888@${config.mailDomain}`, 'personal')).address;
          await first.users.createOrganisation({ raisonSociale: 'Un', immatriculation: '12121212100012' });
          await first.users.createOrganisation({ raisonSociale: 'Deux', immatriculation: '34343434300034' });
        } finally {
          await first.stop();
        }
        const second = await startPlatform(config, { log });
        try {
          expect(warned()).toBe(true);
          const e = config.endpoints.find((x) => x.id === 'psc')!;
          const own = (await second.mailboxes.password((await second.mailboxes.find(box))!.id))!;
          for (const password of [SHARED, own]) {
            const result = await python('imap', {
              host: e.address,
              port: e.imapPort,
              cafile: trust,
              mechanism: 'LOGIN',
              user: box,
              password,
            });
            expect(result, password).toMatchObject({ ok: true });
          }
        } finally {
          await second.stop();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});

describe('migration of a store whose mailboxes had no password', () => {
  it('gives each mailbox created before its own password', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'motco-passwords-migration-'));
    try {
      const db = new Kysely<any>({
        dialect: new SqliteDialect({ database: new Sqlite(path.join(dir, 'motco.sqlite')) }),
      });
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations('sqlite') } });
      expect((await migrator.migrateTo('0005_execution_account')).error).toBeUndefined();
      for (const local of ['810000000901', '810000000902'])
        await db
          .insertInto('mailboxes')
          .values({ address: `${local}@mail.test`, type: 'personal', idnat: local, created_at: Date.now() })
          .execute();
      await db.destroy();

      const store = await openStore({ dataDir: dir });
      try {
        const mailboxes = new MailboxStore(store.db, { mail: 'mail.test', patient: 'patient.mail.test' });
        const found = await Promise.all((await mailboxes.list()).map((m) => mailboxes.password(m.id)));
        expect(found).toEqual([
          expect.stringMatching(/^([a-z2-9]{4}-){6}[a-z2-9]{4}$/),
          expect.stringMatching(/^([a-z2-9]{4}-){6}[a-z2-9]{4}$/),
        ]);
        expect(found[0]).not.toBe(found[1]);
        // Read as stored, not drawn on the first read.
        expect((await store.db.selectFrom('mailboxes').select('password').execute()).map((r) => r.password)).toEqual(
          found,
        );
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
