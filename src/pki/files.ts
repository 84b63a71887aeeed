// Where the PKI lives under <dataDir>/pki/, and how files are written there: atomically (a crash never leaves
// half a key or half a manifest), private keys readable by the owner only.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface PkiLayout {
  root: string;
  manifest: string;
  caCertificate(name: string): string;
  caKey(name: string): string;
  crl(name: string): string;
  /** PEM file: the endpoint's leaf followed by its issuing CA. */
  endpointChain(id: string): string;
  endpointKey(id: string): string;
  clients: string;
}

export function pkiLayout(dataDir: string): PkiLayout {
  const root = path.join(dataDir, 'pki');
  return {
    root,
    manifest: path.join(root, 'manifest.json'),
    caCertificate: (name) => path.join(root, 'ca', `${name}.pem`),
    caKey: (name) => path.join(root, 'ca', `${name}.key`),
    crl: (name) => path.join(root, 'crl', `${name}.crl`),
    endpointChain: (id) => path.join(root, 'endpoints', `${id}.pem`),
    endpointKey: (id) => path.join(root, 'endpoints', `${id}.key`),
    clients: path.join(root, 'clients'),
  };
}

export const PRIVATE_FILE_MODE = 0o600;

export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, data, { mode });
  await rename(temporary, file);
}

/** The file's content, or undefined when it does not exist. */
export async function readOptional(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
