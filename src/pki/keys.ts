// RSA keys: generated with Node, stored as PKCS#8 PEM, imported into WebCrypto for x509 and pkijs to sign with.
import { createPrivateKey, createPublicKey, generateKeyPair, webcrypto, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { Logger } from '../util/log.ts';
import { PRIVATE_FILE_MODE, readOptional, writeFileAtomic } from '../util/files.ts';

/** Every certificate, CRL and OCSP response is signed with this. */
export const SIGNING_ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

export interface RsaKey {
  pem: string;
  keyObject: KeyObject;
  /** For x509 and pkijs, which sign through WebCrypto. */
  signingKey: webcrypto.CryptoKey;
  /** SubjectPublicKeyInfo, DER. */
  publicKeyDer: Buffer;
  bits: number;
}

const generateRsa = promisify(generateKeyPair);

async function importRsaKey(pem: string): Promise<RsaKey> {
  const keyObject = createPrivateKey(pem);
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  const signingKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, SIGNING_ALGORITHM, false, ['sign']);
  return {
    pem,
    keyObject,
    signingKey,
    publicKeyDer: createPublicKey(keyObject).export({ type: 'spki', format: 'der' }),
    bits: keyObject.asymmetricKeyDetails?.modulusLength ?? 0,
  };
}

/**
 * The key stored in `file` when there is one and `keep` accepts it; otherwise a new key of `bits` bits,
 * written there. Key generation is the slow part of start-up, hence the log line.
 */
export async function keyAt(
  file: string,
  bits: number,
  log: Logger,
  keep: (key: RsaKey) => boolean = () => true,
): Promise<{ key: RsaKey; created: boolean }> {
  const stored = await readOptional(file);
  if (stored) {
    const key = await importRsaKey(stored.toString('utf8'));
    if (keep(key)) return { key, created: false };
  }
  const key = await generateRsaKey(bits);
  await writeFileAtomic(file, key.pem, PRIVATE_FILE_MODE);
  log.info('pki: key generated', { file, bits });
  return { key, created: true };
}

export async function generateRsaKey(bits: number): Promise<RsaKey> {
  const { privateKey } = await generateRsa('rsa', { modulusLength: bits });
  return importRsaKey(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
}
