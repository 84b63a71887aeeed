// The evidence root and its signing certificate (src/pki/evidence.ts) and the detached CMS signatures they make
// (src/pki/cms.ts), checked by OpenSSL — a verifier nobody here wrote — and by our own reading: a changed byte of
// the content or of the signature, another platform's root and a certificate with another purpose are refused.
// Then a dossier's verification (src/dossier/verify.ts) on archives made by hand: a file added, removed or
// changed, the signature removed — each named.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/dossier/archive.ts';
import { DOSSIER_FORMAT, type DossierManifest } from '../src/dossier/manifest.ts';
import { verifyDossier } from '../src/dossier/verify.ts';
import { certificatesFromPem } from '../src/pki/cms.ts';
import { loadConfig } from '../src/config/config.ts';
import { TestPki, TRUST_FILES } from '../src/pki/index.ts';
import { parseCertificate } from '../src/pki/certificate.ts';
import { pemBlocks } from '../src/pki/encoding.ts';
import { testDataDir } from './helpers/platform.ts';
import { opensslCmsVerify } from './helpers/run.ts';

const run = promisify(execFile);
let dataDir: string;
let files: string;
let pki: TestPki;

beforeAll(async () => {
  dataDir = testDataDir();
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-evidence-'));
  pki = await TestPki.open(loadConfig({ env: {}, cwd: dataDir, overrides: { dataDir } }));
  await pki.exportTrust(files);
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(files, { recursive: true, force: true });
});

/** openssl cms -verify, its exit status and everything it printed. */
const verify = async (signature: string, content: string, caFile: string) => {
  const r = await opensslCmsVerify(signature, content, caFile);
  return { code: r.code, out: r.stdout + r.stderr };
};

describe('evidence signatures', () => {
  it('openssl cms -verify accepts a signature with the exported motco-evidence-root.pem only', async () => {
    const content = Buffer.from('{"manifest":"motco"}\n');
    const p7s = await pki.signEvidence(content);
    writeFileSync(path.join(files, 'm.json'), content);
    writeFileSync(path.join(files, 'm.json.p7s'), p7s);
    const root = path.join(files, TRUST_FILES.evidence);
    const ok = await verify(path.join(files, 'm.json.p7s'), path.join(files, 'm.json'), root);
    expect(ok.out).toContain('Verification successful');
    expect(ok.code).toBe(0);
    // The IGC Santé TEST roots do not vouch for it.
    const igc = await verify(
      path.join(files, 'm.json.p7s'),
      path.join(files, 'm.json'),
      path.join(files, TRUST_FILES.igc),
    );
    expect(igc.code).not.toBe(0);
    // One changed byte of the content.
    writeFileSync(path.join(files, 'm.json'), Buffer.from('{"manifest":"motcO"}\n'));
    const changed = await verify(path.join(files, 'm.json.p7s'), path.join(files, 'm.json'), root);
    expect(changed.code).not.toBe(0);
    expect(changed.out).toMatch(/content verify error/i);
  });

  it('reads its own signatures: valid, then each tampering named', async () => {
    const content = Buffer.from('contenu signé');
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const p7s = await pki.signEvidence(content, at);
    const valid = await pki.verifyEvidence(p7s, content);
    expect(valid).toMatchObject({ status: 'valid', signingTime: at });
    expect(valid.signer?.subject).toContain('CN=motco evidence signing');
    expect(valid.root?.subject).toContain('CN=motco evidence root');
    expect(await pki.verifyEvidence(p7s, Buffer.from('contenu signe'))).toMatchObject({
      status: 'invalid',
      problem: 'digest',
    });
    const flipped = Buffer.from(p7s);
    flipped[flipped.length - 10]! ^= 0x01;
    expect((await pki.verifyEvidence(flipped, content)).status).toBe('invalid');
    expect(await pki.verifyEvidence(Buffer.from('pas du DER'), content)).toMatchObject({
      status: 'invalid',
      problem: 'unreadable',
    });
  });

  it('the signing certificate has its own purpose: digitalSignature, document signing, never TLS', async () => {
    const chain = readFileSync(path.join(dataDir, 'pki', 'evidence', 'signing.pem'), 'utf8');
    const leaf = parseCertificate(pemBlocks(chain, 'CERTIFICATE')[0]!);
    const text = (
      await run('bash', [
        '-c',
        `openssl x509 -noout -ext keyUsage,extendedKeyUsage,basicConstraints <<'PEM'\n${leaf.pem}PEM`,
      ])
    ).stdout;
    expect(text).toContain('Digital Signature');
    expect(text).toContain('E-mail Protection');
    expect(text).toMatch(/1\.3\.6\.1\.5\.5\.7\.3\.36|Document Signing/);
    expect(text).not.toMatch(/TLS Web (Server|Client) Authentication/);
    expect(text).toContain('CA:FALSE');
  });
});

describe('dossier verification', () => {
  const evidence = strToU8('{"execution":{"id":7}}\n');
  const readme = strToU8('Lisez-moi\n');
  const listed = (path: string, content: Uint8Array) => ({ path, sha256: sha256(content), bytes: content.byteLength });
  const manifest: DossierManifest = {
    format: DOSSIER_FORMAT,
    reference: 'D20250101-000000-ABCD',
    generatedAt: new Date().toISOString(),
    platform: { name: 'motco', version: '0.1.0', publicUrl: 'http://motco.test' },
    account: {
      id: 1,
      nil: 'NIL-1',
      organisation: { raisonSociale: 'Éditeur', immatriculation: '11111111100011' },
      runnerUserId: 'U1',
      idnatPsc: null,
      idnatAuthCli: null,
      mailboxes: { personal: null, applicative: null, patient: null },
    },
    executions: [
      {
        id: 7,
        parentId: null,
        targetType: 'job',
        targetId: 'psc-tls-imap',
        title: 'MIE PSC : TLS IMAP',
        requirements: ['MSS-CONF.01'],
        options: { delaiSeconds: 30, ip: null },
        verdict: 'OK',
        startedAt: new Date().toISOString(),
        endedAt: new Date().toISOString(),
        startedBy: 'alice',
        checks: [],
        files: [listed('executions/7/evidence.json', evidence)],
      },
    ],
    files: [listed('executions/7/evidence.json', evidence), listed('LISEZMOI.txt', readme)],
  };
  const limits = { maxEntries: 20, maxBytes: 1024 * 1024 };

  async function archive(change: (files: Record<string, Uint8Array>) => void = () => {}): Promise<Uint8Array> {
    const bytes = strToU8(JSON.stringify(manifest));
    const files: Record<string, Uint8Array> = {
      'manifest.json': bytes,
      'manifest.json.p7s': await pki.signEvidence(bytes),
      'executions/7/evidence.json': evidence,
      'LISEZMOI.txt': readme,
    };
    change(files);
    return zipSync(files);
  }

  const bad = (report: Awaited<ReturnType<typeof verifyDossier>>) =>
    report.files.filter((f) => f.status !== 'ok').map((f) => `${f.path} ${f.status}`);

  it('holds as signed, with this platform’s root; not with another one', async () => {
    const roots = certificatesFromPem(pki.evidenceRootPem());
    const report = await verifyDossier(await archive(), roots, limits);
    expect(report).toMatchObject({ ok: true, problem: null, signature: { status: 'valid' } });
    expect(report.files.map((f) => f.path)).toEqual([
      'manifest.json',
      'manifest.json.p7s',
      'executions/7/evidence.json',
      'LISEZMOI.txt',
    ]);
    const foreign = await verifyDossier(await archive(), certificatesFromPem(pki.trustBundlePem()), limits);
    expect(foreign).toMatchObject({ ok: false, signature: { status: 'untrusted' } });
  });

  it('names a file added, a file removed, a file changed, and a missing signature', async () => {
    const roots = certificatesFromPem(pki.evidenceRootPem());
    const added = await verifyDossier(
      await archive((f) => (f['executions/7/autre.json'] = strToU8('{}'))),
      roots,
      limits,
    );
    expect([added.ok, bad(added)]).toEqual([false, ['executions/7/autre.json unlisted']]);
    const removed = await verifyDossier(await archive((f) => delete f['LISEZMOI.txt']), roots, limits);
    expect([removed.ok, bad(removed)]).toEqual([false, ['LISEZMOI.txt missing']]);
    const changed = await verifyDossier(
      await archive((f) => (f['executions/7/evidence.json'] = strToU8('{"execution":{"id":8}}\n'))),
      roots,
      limits,
    );
    expect([changed.ok, bad(changed)]).toEqual([false, ['executions/7/evidence.json modified']]);
    const unsigned = await verifyDossier(await archive((f) => delete f['manifest.json.p7s']), roots, limits);
    expect([unsigned.ok, unsigned.signature?.status, bad(unsigned)]).toEqual([
      false,
      'invalid',
      ['manifest.json.p7s missing'],
    ]);
    const notADossier = await verifyDossier(zipSync({ 'a.txt': strToU8('a') }), roots, limits);
    expect(notADossier.problem).toContain('manifest.json');
  });

  it('a new signing certificate (new public URL) keeps its key and root: older signatures still verify', async () => {
    const before = await pki.signEvidence(Buffer.from('avant'));
    const moved = await TestPki.open(
      loadConfig({ env: {}, cwd: dataDir, overrides: { dataDir, publicUrl: 'https://motco.example.test' } }),
    );
    const after = await moved.signEvidence(Buffer.from('après'));
    expect((await moved.verifyEvidence(before, Buffer.from('avant'))).status).toBe('valid');
    const reading = await moved.verifyEvidence(after, Buffer.from('après'));
    expect(reading.signer?.subject).toContain('OU=motco.example.test');
    expect(moved.evidenceRootPem()).toBe(pki.evidenceRootPem());
  });
});
