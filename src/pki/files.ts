// Where the PKI lives under <dataDir>/pki/ (files are written there with util/files.ts: atomically, private keys
// readable by the owner only).
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
  /** The evidence-signing certificate (PEM: leaf then the evidence root) and its key. */
  evidenceChain: string;
  evidenceKey: string;
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
    evidenceChain: path.join(root, 'evidence', 'signing.pem'),
    evidenceKey: path.join(root, 'evidence', 'signing.key'),
  };
}
