// What the STARTTLS upgrade records of a client's certificate chain.
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeCertificate } from '../../src/mail/tls/starttls.ts';
import { parseCertificate } from '../../src/pki/certificate.ts';
import { x509 } from '../../src/pki/engine.ts';

describe('client certificate chain', () => {
  it('records serial numbers in the canonical form the judgement uses, leading zeros dropped', async () => {
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = await webcrypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '0abc01',
      name: 'CN=vendor',
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 3_600_000),
      keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
      signingAlgorithm: algorithm,
    });
    const der = Buffer.from(certificate.rawData);
    expect(describeCertificate(der)).toMatchObject({ subject: 'CN=vendor', serialNumber: 'abc01' });
    expect(describeCertificate(der).serialNumber).toBe(parseCertificate(der).serialNumber);
  });
});
