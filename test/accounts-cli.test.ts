// The account commands as an operator runs them, each in its own process on one data folder: platform
// organisations and users, product accounts (created, listed, shown, modified, provisioned by the nightly
// batch on demand), API tokens; then the platform started on that folder honours the tokens.
import { existsSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { startPlatform } from '../src/platform.ts';
import { silentLogger } from '../src/util/log.ts';
import { apiAs } from './helpers/api.ts';
import { randomPortBase, testDataDir } from './helpers/platform.ts';
import { motco } from './helpers/run.ts';

const dataDir = testDataDir('motco-accounts-cli-');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => motco([...args, '--data', dataDir], env);

describe('motco org, user, account and token commands', () => {
  const tokens: Record<string, string> = {};

  it('adds an organisation and a vendor of it, refusing duplicates and a vendor without organisation', async () => {
    const org = await cli([
      'org',
      'add',
      '--raison-sociale',
      'Éditeur CLI',
      '--immatriculation',
      '44444444400044',
      '--telephone',
      '01 02 03 04 05',
    ]);
    expect(org.code, org.stderr).toBe(0);
    expect(org.stdout).toContain('Organisation créée : Éditeur CLI (44444444400044)');
    const again = await cli(['org', 'add', '--raison-sociale', 'Autre', '--immatriculation', '44444444400044']);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('--immatriculation\u00a0: Une organisation porte déjà cette immatriculation.');

    const user = await cli([
      'user',
      'add',
      '--login',
      'claire',
      '--org',
      '44444444400044',
      '--given',
      'Claire',
      '--family',
      'Moreau',
      '--json',
    ]);
    expect(user.code, user.stderr).toBe(0);
    expect(JSON.parse(user.stdout)).toMatchObject({
      login: 'claire',
      role: 'vendor',
      organisation: { raisonSociale: 'Éditeur CLI' },
    });
    const orphan = await cli(['user', 'add', '--login', 'orphelin']);
    expect(orphan.code).toBe(2);
    expect(orphan.stderr).toContain('--org\u00a0: Un éditeur appartient à une organisation');
    const list = await cli(['user', 'list']);
    expect(list.stdout).toMatch(/^claire {2}vendor {2}Claire Moreau {2}Éditeur CLI \(44444444400044\)$/m);
  });

  it('creates an account and prints it as JSON with its mailboxes, patient address and certificate paths', async () => {
    const created = await cli([
      'account',
      'create',
      '--org',
      '44444444400044',
      '--nil',
      'CLI-1',
      '--idnat-psc',
      '810001234567',
      '--idnat-auth-cli',
      '1750000001',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const account = JSON.parse(created.stdout);
    expect(account).toMatchObject({ nil: 'CLI-1', status: 'available', statusLabel: 'Disponible', createdBy: 'cli' });
    expect(account.mailboxes).toEqual({
      personal: '810001234567@mail-tests-editeur.motco.localhost',
      applicative: '1750000001@mail-tests-editeur.motco.localhost',
      patient: account.patientAddress,
    });
    expect(account.patientAddress).toMatch(/^\d{15}@patient\.mail-tests-editeur\.motco\.localhost$/);
    expect(account.runnerUserId).toMatch(/^[A-Z0-9]{12}$/);
    expect(account.certificate.pkcs12Password).toBeTruthy();
    for (const file of Object.values(account.certificate.files) as string[]) {
      expect(file.startsWith(dataDir)).toBe(true);
      expect(existsSync(file), file).toBe(true);
    }

    const taken = await cli([
      'account',
      'create',
      '--org',
      '44444444400044',
      '--nil',
      'CLI-1',
      '--idnat-psc',
      '899700771191',
    ]);
    expect(taken.code).toBe(3);
    expect(taken.stderr).toContain(
      '--nil\u00a0: La référence produit (NIL) « CLI-1 » est déjà utilisée par un autre compte.',
    );
    const invalid = await cli(['account', 'create', '--org', '44444444400044', '--nil', 'CLI-X', '--idnat-psc', '7']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('--idnat-psc\u00a0: Identifiant national PSC « 7 » invalide');

    const shown = await cli(['account', 'show', 'CLI-1']);
    expect(shown.stdout).toContain(`Compte ${account.id} — NIL CLI-1 — Disponible`);
    expect(shown.stdout).toContain(`BAL personnelle : ${account.mailboxes.personal}`);
    expect(shown.stdout).toContain(account.certificate.files.pkcs12);
  });

  it('modifies an account: the new IdNat gets its mailbox, the former one is kept', async () => {
    const modified = await cli(['account', 'modify', 'CLI-1', '--idnat-psc', '899700771191', '--json']);
    expect(modified.code, modified.stderr).toBe(0);
    const account = JSON.parse(modified.stdout);
    expect(account).toMatchObject({ status: 'available', idnatPsc: '899700771191', idnatAuthCli: '1750000001' });
    expect(account.mailboxes.personal).toBe('899700771191@mail-tests-editeur.motco.localhost');
    expect(account.formerMailboxes.map((m: { address: string }) => m.address)).toEqual([
      '810001234567@mail-tests-editeur.motco.localhost',
    ]);
    const mailboxes = JSON.parse((await cli(['mailbox', 'list', '--json'])).stdout).map(
      (m: { address: string }) => m.address,
    );
    expect(mailboxes).toContain('810001234567@mail-tests-editeur.motco.localhost');
  });

  it(
    'in nightly mode, leaves a new account "En cours de création" ' + 'until `account provision` runs the batch',
    async () => {
      const nightly = { MOTCO_ACCOUNTS__PROVISIONING: 'nightly' };
      const created = await cli(
        ['account', 'create', '--org', '44444444400044', '--nil', 'CLI-2', '--idnat-auth-cli', '2123456789', '--json'],
        nightly,
      );
      expect(created.code, created.stderr).toBe(0);
      expect(JSON.parse(created.stdout)).toMatchObject({
        status: 'creating',
        statusLabel: 'En cours de création',
        mailboxes: { applicative: null },
      });
      const listed = JSON.parse((await cli(['account', 'list', '--json'], nightly)).stdout);
      expect(listed.map((a: { nil: string; status: string }) => [a.nil, a.status])).toEqual([
        ['CLI-1', 'available'],
        ['CLI-2', 'creating'],
      ]);

      const batch = await cli(['account', 'provision'], nightly);
      expect(batch.code, batch.stderr).toBe(0);
      expect(batch.stdout).toContain('Traitement de création : 1 compte(s) créé(s) ou mis à jour, 0 en échec.');
      const shown = JSON.parse((await cli(['account', 'show', 'CLI-2', '--json'], nightly)).stdout);
      expect(shown).toMatchObject({
        status: 'available',
        mailboxes: { applicative: '2123456789@mail-tests-editeur.motco.localhost' },
        certificate: { idnat: '2123456789' },
      });
    },
  );

  it('creates API tokens for a vendor and for an agency reviewer, shown once', async () => {
    const vendorToken = await cli(['token', 'create', '--user', 'claire', '--json']);
    expect(vendorToken.code, vendorToken.stderr).toBe(0);
    tokens.claire = JSON.parse(vendorToken.stdout).token;
    expect(tokens.claire).toMatch(/^motco_[\w-]{43}$/);
    const reviewerToken = await cli(['token', 'create', '--reviewer', 'agence']);
    expect(reviewerToken.code, reviewerToken.stderr).toBe(0);
    expect(reviewerToken.stdout).toContain('Jeton d’API de agence (reviewer), affiché une seule fois');
    tokens.agence = reviewerToken.stdout.trim().split('\n').at(-1)!;
    expect((await cli(['token', 'create', '--reviewer', 'claire'])).code).toBe(2);
    expect((await cli(['token', 'create', '--user', 'personne'])).code).toBe(1);
    expect((await cli(['token', 'create'])).code).toBe(2);
  });

  it('serves what the commands wrote once the platform runs on the folder, and honours their tokens', async () => {
    const config = loadConfig({ env: {}, cwd: dataDir, overrides: { dataDir, portBase: randomPortBase() } });
    const platform = await startPlatform(config, { log: silentLogger });
    try {
      const claire = apiAs(platform, { token: tokens.claire! });
      expect((await claire('GET', '/me')).body).toMatchObject({
        login: 'claire',
        role: 'vendor',
        organisation: { immatriculation: '44444444400044' },
      });
      expect((await claire('GET', '/accounts')).body.accounts.map((a: { nil: string }) => a.nil)).toEqual([
        'CLI-1',
        'CLI-2',
      ]);
      const agence = apiAs(platform, { token: tokens.agence! });
      expect((await agence('GET', '/me')).body.role).toBe('reviewer');
      expect((await agence('GET', '/accounts')).status).toBe(403);
    } finally {
      await platform.stop();
    }
  });
});
