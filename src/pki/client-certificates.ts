// ORG_AUTH_CLI client certificates, as the IGC Santé organisation CA issues them: OU = the structure's
// IdNat (what the auth-cert verdict compares), clientAuth usage, delivered as PEM and as PKCS#12.
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Authority } from './authorities.ts';
import { parseCertificate } from './certificate.ts';
import { pemBlocks } from './encoding.ts';
import { PRIVATE_FILE_MODE, readOptional, writeFileAtomic } from '../util/files.ts';
import { clientUsage, issueCertificate, leafValidity, type PkiUrls } from './issue.ts';
import { generateRsaKey } from './keys.ts';
import { t } from '../i18n/messages.ts';

export interface ClientCertificateOptions {
  commonName?: string;
  organisation?: string;
  validityDays?: number;
}

export interface ClientCertificateFiles {
  key: string;
  certificate: string;
  chain: string;
  pkcs12: string;
  password: string;
}

export interface ClientCertificate {
  idnat: string;
  subject: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  keyPem: string;
  certPem: string;
  /** Certificate then organisation CA. */
  chainPem: string;
  pkcs12: Buffer;
  pkcs12Password: string;
  /** Where the files were written under the data folder. */
  files: ClientCertificateFiles;
}

export type IssuedClientCertificate = Omit<ClientCertificate, 'files'>;

// The IdNat becomes a directory name: only dots would let it climb out of clients/.
const IDNAT_PATTERN = /^(?!\.+$)[A-Za-z0-9._-]{1,64}$/;

/** The French reason why `idnat` is not acceptable, or undefined when it is. */
export function idnatProblem(idnat: string): string | undefined {
  return IDNAT_PATTERN.test(idnat) ? undefined : t('pki.invalidIdnat', { idnat });
}

export interface ClientIssueContext {
  orgCa: Authority;
  urls: PkiUrls;
  keyBits: number;
  validityDays: number;
  now: Date;
}

export async function issueClientCertificate(
  idnat: string,
  options: ClientCertificateOptions,
  context: ClientIssueContext,
): Promise<IssuedClientCertificate> {
  const problem = idnatProblem(idnat);
  if (problem) throw new Error(problem);
  const commonName = options.commonName ?? t('pki.client.defaultCommonName', { idnat });
  const organisation = options.organisation ?? t('pki.client.defaultOrganisation', { idnat });
  const key = await generateRsaKey(context.keyBits);
  const certificate = await issueCertificate({
    subject: [{ C: ['FR'] }, { O: [organisation] }, { OU: [idnat] }, { CN: [commonName] }],
    subjectKey: key,
    issuer: context.orgCa,
    ...leafValidity(context.now, options.validityDays ?? context.validityDays),
    extensions: clientUsage(),
    urls: context.urls,
  });
  const pkcs12Password = randomBytes(18).toString('base64url');
  return {
    idnat,
    subject: certificate.parsed.subject,
    serialNumber: certificate.serialNumber,
    notBefore: certificate.parsed.notBefore,
    notAfter: certificate.parsed.notAfter,
    keyPem: key.pem,
    certPem: certificate.pem,
    chainPem: certificate.pem + context.orgCa.certificate.pem,
    pkcs12: await pkcs12Of(key.pem, [certificate.pem, context.orgCa.certificate.pem], pkcs12Password, commonName),
    pkcs12Password,
  };
}

/**
 * 3DES-encrypted key bag so that OpenSSL 3 reads it without the legacy provider (forge's RC2 would need it).
 * The MAC is HMAC-SHA-1: forge offers no other. forge is loaded here, when a certificate is issued: a process
 * that issues none does not carry it (about 2 MB of heap).
 */
async function pkcs12Of(
  keyPem: string,
  certificatePems: string[],
  password: string,
  friendlyName: string,
): Promise<Buffer> {
  const { default: forge } = await import('node-forge');
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(keyPem),
    certificatePems.map((pem) => forge.pki.certificateFromPem(pem)),
    password,
    { algorithm: '3des', friendlyName, generateLocalKeyId: true },
  );
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/**
 * Writes the certificate's files into `dir`, named after the IdNat; the key and the password readable by the owner
 * only.
 */
export async function writeClientCertificate(
  dir: string,
  certificate: IssuedClientCertificate,
): Promise<ClientCertificateFiles> {
  const files = clientFiles(dir, certificate.idnat);
  await writeFileAtomic(files.key, certificate.keyPem, PRIVATE_FILE_MODE);
  await writeFileAtomic(files.certificate, certificate.certPem);
  await writeFileAtomic(files.chain, certificate.chainPem);
  await writeFileAtomic(files.pkcs12, certificate.pkcs12, PRIVATE_FILE_MODE);
  await writeFileAtomic(files.password, `${certificate.pkcs12Password}\n`, PRIVATE_FILE_MODE);
  return files;
}

/** The files of an IdNat's client certificate in `dir`. */
export function clientFiles(dir: string, idnat: string): ClientCertificateFiles {
  const file = (suffix: string) => path.join(dir, `${idnat}${suffix}`);
  return {
    key: file('.key.pem'),
    certificate: file('.cert.pem'),
    chain: file('.chain.pem'),
    pkcs12: file('.p12'),
    password: file('.p12-password.txt'),
  };
}

/**
 * The certificate chain and key kept for an IdNat under `clientsDir` (by `motco pki issue-client` or an account's
 * provisioning), as a TLS client presents them; undefined when there is none.
 */
export async function readClientKeyPair(
  clientsDir: string,
  idnat: string,
): Promise<{ certPem: string; keyPem: string } | undefined> {
  if (idnatProblem(idnat)) return undefined;
  const files = clientFiles(path.join(clientsDir, idnat), idnat);
  const [chain, key] = await Promise.all([readOptional(files.chain), readOptional(files.key)]);
  return chain && key ? { certPem: chain.toString('utf8'), keyPem: key.toString('utf8') } : undefined;
}

/** Serials of the client certificates kept under `clientsDir` (one folder per IdNat), for the OCSP responder. */
export async function readClientSerials(clientsDir: string): Promise<{ idnat: string; serialNumber: string }[]> {
  const idnats = await readdir(clientsDir).catch(() => [] as string[]);
  const found = await Promise.all(idnats.map((idnat) => readClientSerial(clientsDir, idnat)));
  return found.flatMap((serialNumber, i) => (serialNumber ? [{ idnat: idnats[i]!, serialNumber }] : []));
}

/** The serial number of the client certificate on disk for `idnat`, if there is one. */
export async function readClientSerial(clientsDir: string, idnat: string): Promise<string | undefined> {
  if (idnatProblem(idnat)) return undefined;
  const pem = await readOptional(clientFiles(path.join(clientsDir, idnat), idnat).certificate);
  const der = pem ? pemBlocks(pem.toString('utf8'), 'CERTIFICATE')[0] : undefined;
  return der ? parseCertificate(der).serialNumber : undefined;
}
