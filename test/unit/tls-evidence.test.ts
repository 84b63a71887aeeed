// TLS kind on the version and the six suites, from journals shaped as the endpoints record them: a client
// offering nothing from TLS 1.2 up is KO on the version from its ClientHello alone (the verdict may be settled
// before the handshake fails), and a TLS 1.3-only client is KO on the six suites with a message saying it
// offers no TLS 1.2 at all (manual FAQ: « L'éditeur doit impérativement exposer les 6 suites »).
import { describe, expect, it } from 'vitest';
import { findJob } from '../../src/catalogue/jobs.ts';
import { kindOf } from '../../src/catalogue/kinds/index.ts';
import type { JobAccount } from '../../src/catalogue/verdicts/types.ts';
import { journalOf, SessionBuilder, SIX, TLS13 } from '../helpers/journal-builder.ts';

const account: JobAccount = {
  nil: 'DEV1',
  idnatPsc: '872311221327',
  idnatAuthCli: null,
  personalMailbox: '872311221327@mail.test',
  applicativeMailbox: null,
  patientAddress: null,
};
const IP = '192.0.2.20';
const TLS11_SUITES = [
  { code: '0xC014', name: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA' },
  { code: '0x002F', name: 'TLS_RSA_WITH_AES_128_CBC_SHA' },
];

function judge(...sessions: SessionBuilder[]) {
  const job = findJob('psc-tls-smtp')!;
  const observations = journalOf(...sessions);
  return kindOf({ kind: 'tls' }).judge({
    job,
    account,
    ip: IP,
    window: { start: 0, end: Number.MAX_SAFE_INTEGER },
    observations,
    final: false,
    unattributed: [],
  });
}

describe('TLS version and suites', () => {
  it('judges a TLS 1.1-only client KO on the version from its ClientHello, before the handshake ends', () => {
    const s = new SessionBuilder('s1', 'psc', 'smtp', IP).command('EHLO').command('STARTTLS').add('tls.client_hello', {
      highestVersion: 'TLSv1.1',
      supportedVersions: [],
      cipherSuites: TLS11_SUITES,
      sni: null,
      statusRequest: false,
    });
    const j = judge(s);
    expect(j.status).toBe('KO');
    const version = j.checks.find((c) => c.id === 'version')!;
    expect(version.outcome).toBe('fail');
    expect(version.detail).toContain('TLSv1.1');
    expect(version.fix).toBeTruthy();
  });

  it('judges a TLS 1.3-only client KO on the six suites, saying it offers no TLS 1.2 at all', () => {
    const s = new SessionBuilder('s2', 'psc', 'smtp', IP)
      .command('EHLO')
      .command('STARTTLS')
      .add('tls.client_hello', {
        highestVersion: 'TLSv1.3',
        supportedVersions: ['TLSv1.3'],
        cipherSuites: TLS13,
        sni: null,
        statusRequest: false,
      })
      .add('tls.established', {
        version: 'TLSv1.3',
        cipher: 'TLS_AES_256_GCM_SHA384',
        clientCertificate: { present: false },
      });
    const j = judge(s);
    expect(j.status).toBe('KO');
    const suites = j.checks.find((c) => c.id === 'all-suites')!;
    expect(suites.outcome).toBe('fail');
    expect(suites.detail).toMatch(/ne propose pas du tout TLS\u00a01\.2 \(versions proposées\u00a0: TLS\u00a01\.3\)/);
    expect(suites.detail).toContain('impérativement exposer les 6 suites');
    expect(suites.fix).toContain('TLS\u00a01.2');
    expect(j.checks.find((c) => c.id === 'version')!.outcome).toBe('pass');
  });

  it('keeps the plain « missing suites » message for a TLS 1.2 client that lacks some', () => {
    const s = new SessionBuilder('s3', 'psc', 'smtp', IP).starttls([...SIX.slice(0, 4), ...TLS13]).close();
    const suites = judge(s).checks.find((c) => c.id === 'all-suites')!;
    expect(suites.outcome).toBe('fail');
    expect(suites.detail).toMatch(/^Suites autorisées manquantes/);
    expect(suites.detail).toContain('TLS_DHE_RSA_WITH_AES_256_GCM_SHA384');
  });
});
