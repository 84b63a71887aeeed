// XOAUTH2 with PSC access tokens on the psc SMTP endpoint, end to end: a fresh token from the token helper
// opens the mailbox with curl and python3 smtplib; every kind of bad bearer is refused the way operators
// do (334 + base64 JSON, then 535), each with its own recorded reason and never the token in the journal.
import { generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityDb } from '../src/identity/db.ts';
import { PSC_TOOLS_SECRET, TOOLS_CLIENT_ID } from '../src/identity/issuers.ts';
import { PscTokens } from '../src/identity/psc-token.ts';
import { Secrets } from '../src/identity/secrets.ts';
import { summariseBearer } from '../src/identity/token-summary.ts';
import { waitFor } from './helpers/observations.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';

let t: TestPlatform;
let files: string;
let trust: string;
let tokens: PscTokens;
const OWNER = '810000000100';
const OTHER = '810000000200';
const ORG = '10123456789';

const address = (local: string) => `${local}@${t.config.mailDomain}`;

beforeAll(async () => {
  t = await startTestPlatform();
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-identity-smtp-'));
  await t.platform.pki.exportTrust(files);
  trust = path.join(files, 'igc-sante-test-roots.pem');
  const { identities } = t.platform.identity.psc.simulator!;
  await identities.create({ idnat: OWNER, givenName: 'Claire', familyName: 'Moreau' });
  await identities.create({ idnat: OTHER, givenName: 'Hugo', familyName: 'Lambert' });
  await t.platform.mailboxes.create(address(OWNER), 'personal');
  await t.platform.mailboxes.create(address(OTHER), 'personal');
  await t.platform.mailboxes.create(address(ORG), 'applicative');
  tokens = await helperTokens(OWNER);
});

afterAll(async () => {
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

async function helperTokens(idnat: string): Promise<PscTokens> {
  const secret = (await new Secrets(identityDb(t.platform.store.db)).get(PSC_TOOLS_SECRET))!;
  return PscTokens.obtain({
    discoveryUrl: t.platform.identity.psc.discoveryUrl,
    clientId: TOOLS_CLIENT_ID,
    clientSecret: secret,
    idnat,
  });
}

/** Signs claims with the simulator's own signing key, as the issuer would (to make tokens it never issues). */
async function signed(claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const row = await identityDb(t.platform.store.db)
    .selectFrom('identity_keys')
    .select('jwk')
    .where('provider', '=', 'psc')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const jwk = JSON.parse(row.jwk) as JWK;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: t.platform.identity.psc.issuer,
    SubjectNameID: OWNER,
    acr: 'eidas1',
    scope: 'openid scope_all',
    typ: 'Bearer',
    iat: now,
    exp: now + 120,
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'at+jwt', ...header })
    .sign(await importJWK(jwk, 'RS256'));
}

function python(job: Record<string, unknown>) {
  const e = t.endpoint('psc');
  return run('python3', ['test/clients/smtp_client.py'], {
    input: JSON.stringify({ host: e.address, port: e.smtpPort, cafile: trust, mechanism: 'XOAUTH2', ...job }),
  }).then((r) => {
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as Record<string, any>;
  });
}

/** The PSC simulator's introspection answer, asked with the configured client's credentials. */
async function introspect(issuer: string, token: string): Promise<Record<string, unknown>> {
  const { clientId, clientSecret } = t.config.psc;
  const response = await fetch(`${issuer}/protocol/openid-connect/token/introspect`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ token }),
  });
  return (await response.json()) as Record<string, unknown>;
}

/** The auth observation of the attempt that used this token. */
function recorded(token: string) {
  const sha = summariseBearer(token).sha256;
  return waitFor(
    t.platform.journal,
    { kind: 'auth', endpoint: 'psc' },
    (o) => (o.data.bearer as { sha256?: string } | undefined)?.sha256 === sha,
  );
}

describe('XOAUTH2 with a fresh PSC access token', () => {
  it('curl (--oauth2-bearer, XOAUTH2 since OAUTHBEARER is not offered) authenticates and sends', async () => {
    const e = t.endpoint('psc');
    const mail = path.join(files, 'curl.eml');
    writeFileSync(mail, 'Subject: xoauth2 curl\r\n\r\nhello\r\n');
    const token = await tokens.fresh();
    const r = await run('curl', [
      '-sS',
      '--ssl-reqd',
      '--cacert',
      trust,
      `smtp://${e.address}:${e.smtpPort}`,
      '--user',
      `${address(OWNER)}:`,
      '--oauth2-bearer',
      token,
      '--mail-from',
      address(OWNER),
      '--mail-rcpt',
      address(OWNER),
      '-T',
      mail,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const auth = await recorded(token);
    expect(auth.data).toMatchObject({
      mechanism: 'XOAUTH2',
      outcome: 'success',
      reason: 'bearer',
      bearerVerified: true,
      user: address(OWNER),
    });
    expect(auth.data.bearerDetails).toMatchObject({ kind: 'access_token', SubjectNameID: OWNER, owner: OWNER });
    expect(JSON.stringify(auth.data)).not.toContain(token);
    await waitFor(
      t.platform.journal,
      { kind: 'message', mailbox: address(OWNER) },
      (o) => o.data.subject === 'xoauth2 curl',
    );
  });

  it('python3 smtplib authenticates with a refreshed token and sends', async () => {
    await tokens.refresh();
    const token = await tokens.fresh();
    const result = await python({
      user: address(OWNER),
      token,
      from: address(OWNER),
      to: [address(OWNER)],
      message: 'Subject: xoauth2 python\r\n\r\nhello\r\n',
    });
    expect(result).toMatchObject({ ok: true, auth: [235, '2.7.0 Authentication successful'], refused: {} });
    expect((await recorded(token)).data).toMatchObject({ outcome: 'success', reason: 'bearer', bearerVerified: true });
  });
});

describe('signing key rotation', () => {
  it('publishes the new key, signs with it once due, and the verifier follows', async () => {
    const simulator = t.platform.identity.psc.simulator!;
    const before = simulator.holder.current!.activeKid;
    const old = (await helperTokens(OWNER)).accessToken;
    // Due at once here; `motco psc keys rotate` publishes 10 minutes ahead.
    const key = await simulator.holder.keys.rotate(0);
    await t.platform.identity.maintain();
    expect(simulator.holder.current!.activeKid).toBe(key.kid);
    const jwks = (await (await fetch(`${simulator.issuer}/protocol/openid-connect/certs`)).json()) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((k) => k.kid)).toEqual([key.kid, before]);
    const rotated = (await helperTokens(OWNER)).accessToken;
    expect(JSON.parse(Buffer.from(rotated.split('.')[0]!, 'base64url').toString()).kid).toBe(key.kid);
    // The verifier cached the old JWKS; an unknown kid makes it read the JWKS again.
    await expect
      .poll(async () => (await python({ user: address(OWNER), token: rotated })).ok, { timeout: 10_000, interval: 500 })
      .toBe(true);
    // Tokens signed by the previous key stay valid while it is published.
    expect(await python({ user: address(OWNER), token: old })).toMatchObject({ ok: true });
    // The simulator's own introspection verifies with the new key set too.
    for (const token of [rotated, old])
      expect(await introspect(simulator.issuer, token)).toMatchObject({ active: true, SubjectNameID: OWNER });
  });
});

describe('refused bearers: 334 + base64 JSON, then 535, each with its own reason', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Promise<string>, string?][] = [
    [
      'bad_signature',
      async () => {
        const [h, p, s] = (await tokens.fresh()).split('.');
        const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
        return `${h}.${Buffer.from(JSON.stringify({ ...claims, given_name: 'Mallory' })).toString('base64url')}.${s}`;
      },
    ],
    ['expired', () => signed({ iat: now() - 600, exp: now() - 300 })],
    ['not_yet_valid', () => signed({ nbf: now() + 3600 })],
    ['wrong_issuer', () => signed({ iss: 'https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet' })],
    [
      'alg_none',
      async () =>
        `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.` +
        `${(await tokens.fresh()).split('.')[1]}.`,
    ],
    ['id_token', async () => tokens.idToken!],
    ['refresh_token', async () => tokens.refreshToken!],
    ['wrong_identity', async () => (await helperTokens(OTHER)).accessToken],
    ['wrong_acr', () => signed({ acr: 'eidas2' })],
    [
      'unknown_key',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT({
          iss: t.platform.identity.psc.issuer,
          SubjectNameID: OWNER,
          acr: 'eidas1',
          scope: 'openid scope_all',
          exp: now() + 60,
        })
          .setProtectedHeader({ alg: 'RS256', kid: 'not-a-known-key', typ: 'at+jwt' })
          .sign(privateKey);
      },
    ],
    [
      'bad_algorithm',
      async () =>
        new SignJWT({
          iss: t.platform.identity.psc.issuer,
          SubjectNameID: OWNER,
          acr: 'eidas1',
          scope: 'openid scope_all',
          exp: now() + 60,
        })
          .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
          .sign(new TextEncoder().encode('a-secret-that-anybody-could-choose')),
    ],
    ['not_personal_mailbox', async () => (await helperTokens(OWNER)).accessToken, ORG],
    ['not_a_jwt', async () => 'opaque-value-nobody-issued'],
  ];

  it.each(cases)('%s', async (reason, make, mailbox = OWNER) => {
    const token = await make();
    const result = await python({ user: address(mailbox), token });
    expect(result).toMatchObject({ ok: false, error: 'smtp', code: 535 });
    const auth = await recorded(token);
    expect(auth.data).toMatchObject({
      mechanism: 'XOAUTH2',
      outcome: 'failure',
      reason: `bearer_${reason}`,
      bearerVerified: false,
    });
    expect(JSON.stringify(auth.data)).not.toContain(token);
  });

  it('curl sees the operators’ error challenge (and, like real clients facing it, gives up)', async () => {
    const e = t.endpoint('psc');
    const token = tokens.idToken!;
    const r = await run('curl', [
      '-v',
      '--ssl-reqd',
      '--cacert',
      trust,
      `smtp://${e.address}:${e.smtpPort}`,
      '--user',
      `${address(OWNER)}:`,
      '--oauth2-bearer',
      token,
      '-X',
      'NOOP',
    ]);
    expect(r.code).not.toBe(0);
    const challenge = /< 334 (\S+)/.exec(r.stderr)![1]!;
    expect(JSON.parse(Buffer.from(challenge, 'base64').toString())).toEqual({
      status: '401',
      schemes: 'bearer',
      scope: 'mail',
    });
    expect((await recorded(token)).data).toMatchObject({ reason: 'bearer_id_token' });
  });
});
