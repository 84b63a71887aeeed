// Product accounts through the REST API, as the manual describes them (§2.2.2–2.2.3): the form's rules, the
// provisioning batch (immediate, and nightly with the operator's "run now"), the statuses, what an
// available account gets (mailboxes, patient address, runner user id, ORG_AUTH_CLI certificate), and a
// modification that keeps the old mailbox's mail and the account's executions.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IscClaims } from '../src/accounts/directory.ts';
import { nextRunAt } from '../src/accounts/schedule.ts';
import { identityDb } from '../src/identity/db.ts';
import { iscClaims, IscDirectory } from '../src/identity/isc/directory.ts';
import { apiAs, staff, vendor } from './helpers/api.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';

const PSC = '810001234567';
const PSC_NEW = '899700771191';
const AUTH_CLI = '1750000001';

describe('accounts, immediate provisioning (local default)', () => {
  let t: TestPlatform;
  let alice: Awaited<ReturnType<typeof vendor>>;
  let bob: Awaited<ReturnType<typeof vendor>>;

  beforeAll(async () => {
    t = await startTestPlatform();
    alice = await vendor(t.platform, { login: 'alice', immatriculation: '11111111100011' });
    bob = await vendor(t.platform, { login: 'bob', immatriculation: '22222222200022' });
  });
  afterAll(() => t?.stop());

  it('refuses an invalid form with one French message per field, and keeps nothing', async () => {
    const bad = await alice.api('POST', '/accounts', { nil: ' ', idnatPsc: '7123', idnatAuthCli: '123456789' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('La requête contient des erreurs.');
    expect(bad.body.fields.map((f: { field: string; code: string }) => [f.field, f.code])).toEqual([
      ['nil', 'required'],
      ['idnatPsc', 'format'],
      ['idnatAuthCli', 'format'],
    ]);
    expect(bad.body.fields[0].message).toBe('La référence produit (NIL) est obligatoire.');
    expect(bad.body.fields[1].message).toContain('Identifiant national PSC « 7123 » invalide');
    expect(bad.body.fields[2].message).toContain('préfixe de la structure');

    const none = await alice.api('POST', '/accounts', { nil: 'DEV1' });
    expect(none.body.fields).toEqual([
      {
        field: 'idnatPsc',
        code: 'one_required',
        message: expect.stringContaining('au moins un des deux identifiants'),
      },
    ]);

    const typo = await alice.api('POST', '/accounts', { nil: 'DEV1', idnatPsc: PSC, idnatPcs: PSC });
    expect(typo.status).toBe(400);
    expect(typo.body.fields).toEqual([{ field: 'idnatPcs', code: 'unknown', message: 'Champ inconnu.' }]);

    const notJson = await alice.api('POST', '/accounts', undefined, { 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
    expect((await alice.api('GET', '/accounts')).body.accounts).toEqual([]);
  });

  it(
    'creates an AUTH_CLI-only account that is available at once, ' +
      'with its applicative mailbox, patient address and certificate',
    async () => {
      const created = await alice.api('POST', '/accounts', { nil: 'DEV-APP', idnatAuthCli: AUTH_CLI });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const account = created.body;
      expect(account).toMatchObject({
        nil: 'DEV-APP',
        idnatPsc: null,
        idnatAuthCli: AUTH_CLI,
        status: 'available',
        statusLabel: 'Disponible',
        pending: null,
      });
      expect(account.organisation.immatriculation).toBe('11111111100011');
      expect(account.runnerUserId).toMatch(/^[A-Z0-9]{12}$/);
      expect(account.patientAddress).toMatch(new RegExp(`^\\d{15}@${t.config.patientDomain.replace(/\./g, '\\.')}$`));
      expect(account.mailboxes).toEqual({
        personal: null,
        applicative: `${AUTH_CLI}@${t.config.mailDomain}`,
        patient: account.patientAddress,
      });
      expect((await t.platform.mailboxes.find(account.mailboxes.applicative))?.type).toBe('applicative');
      expect((await t.platform.mailboxes.find(account.patientAddress))?.type).toBe('patient');

      // The runner sees the account as the manual's jobs need it.
      expect(await t.platform.accounts.forRunner.find(account.id)).toEqual({
        id: account.id,
        nil: 'DEV-APP',
        idnatPsc: null,
        idnatAuthCli: AUTH_CLI,
        personalMailbox: null,
        applicativeMailbox: account.mailboxes.applicative,
        patientAddress: account.patientAddress,
        runnerUserId: account.runnerUserId,
      });
      const psc = await alice.api('POST', '/executions', { account: account.id, target: 'psc-tls-imap', delai: 10 });
      expect(psc.status).toBe(400);
      expect(psc.body.fields[0].message).toContain('pas de BAL personnelle');
    },
  );

  it('refuses a NIL or an IdNat another account uses, even another vendor’s', async () => {
    const nil = await bob.api('POST', '/accounts', { nil: 'DEV-APP', idnatPsc: PSC });
    expect(nil.status).toBe(400);
    expect(nil.body.fields).toEqual([
      {
        field: 'nil',
        code: 'taken',
        message: 'La référence produit (NIL) « DEV-APP » est déjà utilisée par un autre compte.',
      },
    ]);
    const idnat = await bob.api('POST', '/accounts', { nil: 'BOB-1', idnatAuthCli: AUTH_CLI });
    expect(idnat.body.fields).toEqual([
      {
        field: 'idnatAuthCli',
        code: 'taken',
        message: `L’identifiant national « ${AUTH_CLI} » est déjà utilisé par un autre compte.`,
      },
    ]);
    const foreign = await bob.api('POST', '/accounts', { nil: 'BOB-1', idnatPsc: PSC, organisation: '11111111100011' });
    expect(foreign.body.fields).toEqual([
      { field: 'organisation', message: 'Vous ne pouvez créer un compte que pour votre organisation.' },
    ]);
    expect((await bob.api('GET', '/accounts')).body.accounts).toEqual([]);
  });

  it(
    'knows a vendor from the claims of its ISC login: ' + 'organisation and user created, then kept up to date',
    async () => {
      const isc = new IscDirectory(identityDb(t.platform.store.db));
      await isc.createOrganisation({
        raisonSociale: 'Éditeur ISC',
        immatriculation: '55555555500055',
        telephone: '01 02 03 04 05',
      });
      const { user } = await isc.createUser({
        organisation: '55555555500055',
        givenName: 'Inès',
        familyName: 'Durand',
        email: 'ines@example.test',
        civilite: 'Mme',
      });
      // An operator's local user already has that login: the ISC user gets another.
      await t.platform.users.createUser({ login: user.login, role: 'reviewer' });
      const claims = iscClaims(user) as unknown as IscClaims;
      const first = await t.platform.users.fromIscClaims(claims);
      expect(first).toMatchObject({
        login: `${user.login}2`,
        iscSubject: user.login,
        role: 'vendor',
        civilite: 'Mme',
        givenName: 'Inès',
        email: 'ines@example.test',
      });
      expect(first.organisation).toMatchObject({
        raisonSociale: 'Éditeur ISC',
        immatriculation: '55555555500055',
        telephone: '01 02 03 04 05',
        adresse: null,
      });

      const again = await t.platform.users.fromIscClaims({
        ...claims,
        family_name: 'Durand-Martin',
        organisation: { ...claims.organisation, raison_sociale: 'Éditeur ISC SAS' },
      });
      expect(again).toMatchObject({
        id: first.id,
        login: first.login,
        familyName: 'Durand-Martin',
        organisation: { id: first.organisation!.id, raisonSociale: 'Éditeur ISC SAS' },
      });
      await expect(t.platform.users.fromIscClaims({ sub: 'sans-organisation' })).rejects.toThrow(/immatriculation/);

      // Its session reaches its organisation's accounts.
      const session = await t.platform.auth.sessions.createSession(again.id);
      const created = await apiAs(t.platform, { cookie: `motco_session=${session.value}` })('POST', '/accounts', {
        nil: 'ISC-1',
        idnatPsc: '0123456789',
      });
      expect(created.status).toBe(201);
      expect(created.body.organisation.immatriculation).toBe('55555555500055');
    },
  );

  it('lets an operator create an account for any organisation, named by its immatriculation', async () => {
    const admin = await staff(t.platform, 'operateur', 'admin');
    const missing = await admin.api('POST', '/accounts', { nil: 'OPS-1', idnatPsc: '0987654321' });
    expect(missing.body.fields).toEqual([
      { field: 'organisation', message: 'Indiquez l’immatriculation de l’organisation du compte.' },
    ]);
    const created = await admin.api('POST', '/accounts', {
      nil: 'OPS-1',
      idnatPsc: '0987654321',
      organisation: '22222222200022',
    });
    expect(created.status).toBe(201);
    expect(created.body.createdBy).toBe('operateur');
    expect((await bob.api('GET', '/accounts')).body.accounts.map((a: { nil: string }) => a.nil)).toEqual(['OPS-1']);
  });

  it('makes the account the owner of its personal mailbox for PSC tokens', async () => {
    const created = await alice.api('POST', '/accounts', { nil: 'DEV-PER', idnatPsc: PSC });
    expect(created.body.status).toBe('available');
    const mailbox = (await t.platform.mailboxes.find(created.body.mailboxes.personal))!;
    expect(mailbox.type).toBe('personal');
    expect(await t.platform.accounts.owners.ownerOf(mailbox)).toEqual({ kind: 'personal', idnat: PSC });
    const applicative = (await t.platform.mailboxes.find(`${AUTH_CLI}@${t.config.mailDomain}`))!;
    expect(await t.platform.accounts.owners.ownerOf(applicative)).toEqual({ kind: 'not_personal' });
  });
});

describe('accounts, nightly provisioning', () => {
  let t: TestPlatform;
  let alice: Awaited<ReturnType<typeof vendor>>;
  let admin: Awaited<ReturnType<typeof staff>>;
  let accountId: number;
  let executionId: number;

  beforeAll(async () => {
    t = await startTestPlatform({ 'accounts.provisioning': 'nightly', 'accounts.nightlyAt': '03:00' });
    alice = await vendor(t.platform, { login: 'alice', immatriculation: '11111111100011' });
    admin = await staff(t.platform, 'operateur', 'admin');
  });
  afterAll(() => t?.stop());

  const runBatch = async () => {
    const batch = await admin.api('POST', '/provisioning/run');
    expect(batch.status, JSON.stringify(batch.body)).toBe(200);
    expect(batch.body.failed).toEqual([]);
    return batch.body;
  };

  it(
    'records the account "En cours de création" until the batch runs; ' + 'then it is "Disponible" with everything',
    async () => {
      const created = await alice.api('POST', '/accounts', { nil: 'DEV-NUIT', idnatPsc: PSC, idnatAuthCli: AUTH_CLI });
      expect(created.status).toBe(201);
      accountId = created.body.id;
      expect(created.body).toMatchObject({
        status: 'creating',
        statusLabel: 'En cours de création',
        mailboxes: { personal: null, applicative: null, patient: null },
        certificate: null,
        provisionedAt: null,
      });
      expect(await t.platform.mailboxes.find(`${PSC}@${t.config.mailDomain}`)).toBeUndefined();

      const before = Date.now();
      const state = await admin.api('GET', '/provisioning');
      expect(state.body).toMatchObject({ mode: 'nightly', nightlyAt: '03:00', waiting: [accountId] });
      expect([nextRunAt(new Date(before), '03:00').getTime(), nextRunAt(new Date(), '03:00').getTime()]).toContain(
        state.body.nextRunAt,
      );

      const early = await alice.api('POST', '/executions', { account: accountId, target: 'psc-tls-imap', delai: 10 });
      expect(early.status).toBe(409);
      expect(early.body.message).toContain('n’est pas disponible');
      expect((await alice.api('POST', '/provisioning/run')).status).toBe(403);

      const batch = await runBatch();
      expect(batch.provisioned.map((a: { id: number }) => a.id)).toEqual([accountId]);
      const account = (await alice.api('GET', `/accounts/${accountId}`)).body;
      expect(account).toMatchObject({ status: 'available', statusLabel: 'Disponible', pending: null });
      expect(account.mailboxes.personal).toBe(`${PSC}@${t.config.mailDomain}`);
      expect(account.mailboxes.applicative).toBe(`${AUTH_CLI}@${t.config.mailDomain}`);
      expect((await t.platform.mailboxes.find(account.mailboxes.personal))?.type).toBe('personal');
      expect((await t.platform.mailboxes.find(account.mailboxes.applicative))?.type).toBe('applicative');
      expect((await t.platform.mailboxes.find(account.patientAddress))?.type).toBe('patient');
      expect((await admin.api('GET', '/provisioning')).body.waiting).toEqual([]);
    },
  );

  it(
    'issues an ORG_AUTH_CLI certificate whose OU is the IdNat AUTH_CLI, ' +
      'chained to the IGC Santé TEST organisation CA',
    async () => {
      const view = (await alice.api('GET', `/accounts/${accountId}`)).body;
      expect(view.certificate).toMatchObject({ idnat: AUTH_CLI, serialNumber: expect.stringMatching(/^[0-9a-f]+$/) });
      // The API names no file on the server; the platform itself knows where the files are.
      expect(view.certificate).not.toHaveProperty('files');
      expect(JSON.stringify(view)).not.toContain(t.dataDir);
      const certificate = (await t.platform.accounts.get(accountId))!.certificate!;
      for (const file of Object.values(certificate.files)) expect(existsSync(file), file).toBe(true);
      const subject = await run('openssl', [
        'x509',
        '-in',
        certificate.files.certificate,
        '-noout',
        '-subject',
        '-serial',
        '-ext',
        'extendedKeyUsage',
      ]);
      expect(subject.code, subject.stderr).toBe(0);
      expect(subject.stdout).toMatch(new RegExp(`OU ?= ?${AUTH_CLI}\\b`));
      expect(subject.stdout.toLowerCase()).toContain(`serial=${certificate.serialNumber}`.toLowerCase());
      expect(subject.stdout).toContain('TLS Web Client Authentication');
      const roots = path.join(t.dataDir, 'roots.pem');
      writeFileSync(roots, t.platform.pki.trustBundlePem());
      const verified = await run('openssl', ['verify', '-CAfile', roots, certificate.files.certificate]);
      expect(verified.stdout).toContain(': OK');

      const download = await fetch(`${t.config.publicUrl}/api/v1/accounts/${accountId}/certificate.p12`, {
        headers: { authorization: `Bearer ${alice.token}` },
      });
      expect(download.headers.get('content-type')).toBe('application/x-pkcs12');
      expect(Buffer.from(await download.arrayBuffer()).equals(readFileSync(certificate.files.pkcs12))).toBe(true);
      const p12 = await run('openssl', [
        'pkcs12',
        '-in',
        certificate.files.pkcs12,
        '-passin',
        `pass:${certificate.pkcs12Password}`,
        '-nokeys',
        '-clcerts',
      ]);
      expect(p12.code, p12.stderr).toBe(0);
      expect(p12.stdout).toContain('BEGIN CERTIFICATE');
    },
  );

  it(
    'keeps a modification pending ("Indisponible"); ' +
      'the batch gives the new IdNat a new mailbox and keeps the old one with its mail and the executions',
    async () => {
      const account = (await alice.api('GET', `/accounts/${accountId}`)).body;
      const roots = path.join(t.dataDir, 'roots.pem');
      const psc = t.endpoint('psc');
      const sent = await run('python3', ['test/clients/smtp_client.py'], {
        input: JSON.stringify({
          host: psc.address,
          port: psc.smtpPort,
          cafile: roots,
          mechanism: 'PLAIN',
          user: account.mailboxes.personal,
          password: account.passwords.personal,
          from: account.mailboxes.personal,
          to: [account.mailboxes.personal],
          message: 'From: <lps>\r\nSubject: avant modification\r\n\r\ncorps\r\n',
        }),
      });
      expect(JSON.parse(sent.stdout), sent.stderr).toMatchObject({ ok: true });
      const oldMailbox = (await t.platform.mailboxes.find(account.mailboxes.personal))!;
      expect(await t.platform.mailboxes.messages(oldMailbox.id, 'INBOX')).toHaveLength(1);

      const started = await alice.api('POST', '/executions', { account: accountId, target: 'psc-tls-imap', delai: 10 });
      expect(started.status).toBe(201);
      executionId = started.body.id;
      expect((await alice.api('POST', `/executions/${executionId}/cancel`)).status).toBe(202);
      await expect
        .poll(async () => (await alice.api('GET', `/executions/${executionId}`)).body.verdict)
        .toBe('CANCELLED');

      const modified = await alice.api('PUT', `/accounts/${accountId}`, {
        nil: 'DEV-NUIT',
        idnatPsc: PSC_NEW,
        idnatAuthCli: AUTH_CLI,
      });
      expect(modified.status, JSON.stringify(modified.body)).toBe(200);
      expect(modified.body).toMatchObject({
        status: 'unavailable',
        statusLabel: 'Indisponible',
        idnatPsc: PSC,
        pending: { nil: 'DEV-NUIT', idnatPsc: PSC_NEW, idnatAuthCli: AUTH_CLI, requestedBy: 'alice' },
      });
      expect(modified.body.mailboxes.personal).toBe(account.mailboxes.personal);
      expect(
        (await alice.api('POST', '/executions', { account: accountId, target: 'psc-tls-imap', delai: 10 })).status,
      ).toBe(409);
      expect(await t.platform.accounts.forRunner.find(accountId)).toBeUndefined();
      const invalid = await alice.api('PUT', `/accounts/${accountId}`, { nil: 'DEV-NUIT', idnatPsc: '871302301200' });
      expect(invalid.body.fields).toEqual([
        { field: 'idnatPsc', code: 'test_date_invalid', message: expect.stringContaining('87AAMMJJHHMM') },
      ]);

      await runBatch();
      const after = (await alice.api('GET', `/accounts/${accountId}`)).body;
      expect(after).toMatchObject({
        status: 'available',
        idnatPsc: PSC_NEW,
        pending: null,
        runnerUserId: account.runnerUserId,
        patientAddress: account.patientAddress,
      });
      expect(after.mailboxes.personal).toBe(`${PSC_NEW}@${t.config.mailDomain}`);
      expect(after.formerMailboxes).toEqual([
        expect.objectContaining({ address: account.mailboxes.personal, role: 'personal' }),
      ]);
      expect(after.certificate.serialNumber).toBe(account.certificate.serialNumber);
      const kept = await t.platform.mailboxes.messages(oldMailbox.id, 'INBOX');
      expect(kept).toHaveLength(1);
      expect(kept[0]!.raw.toString()).toContain('Subject: avant modification');
      const newMailbox = (await t.platform.mailboxes.find(after.mailboxes.personal))!;
      expect(await t.platform.accounts.owners.ownerOf(newMailbox)).toEqual({ kind: 'personal', idnat: PSC_NEW });

      const executions = (await alice.api('GET', `/executions?account=${accountId}`)).body.executions;
      expect(executions.map((e: { id: number }) => e.id)).toContain(executionId);
      expect((await alice.api('GET', `/executions/${executionId}`)).body).toMatchObject({
        accountId,
        verdict: 'CANCELLED',
      });
    },
  );

  it('gives the former mailbox back, mail included, when the account returns to its IdNat', async () => {
    const back = await alice.api('PUT', `/accounts/${accountId}`, {
      nil: 'DEV-NUIT',
      idnatPsc: PSC,
      idnatAuthCli: AUTH_CLI,
    });
    expect(back.body.status).toBe('unavailable');
    await runBatch();
    const account = (await alice.api('GET', `/accounts/${accountId}`)).body;
    expect(account.mailboxes.personal).toBe(`${PSC}@${t.config.mailDomain}`);
    expect(account.formerMailboxes.map((m: { address: string }) => m.address)).toEqual([
      `${PSC_NEW}@${t.config.mailDomain}`,
    ]);
    const mailbox = (await t.platform.mailboxes.find(account.mailboxes.personal))!;
    expect(await t.platform.mailboxes.messages(mailbox.id, 'INBOX')).toHaveLength(1);
  });
});
