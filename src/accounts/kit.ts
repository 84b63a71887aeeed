// The vendor kit: one ZIP with everything an LPS is configured with for an account — the trust roots, the
// ORG_AUTH_CLI test certificate (PEM key and chain, PKCS#12 and its password), the mailboxes with their test
// passwords, the endpoints' settings as JSON and, per mailbox, the Thunderbird autoconfiguration file the
// platform serves for it — and a short French LISEZMOI.txt. For the account's own vendors only.
import { readFile } from 'node:fs/promises';
import { advertisedServers, endpointsFor } from '../autoconfig/advertise.ts';
import { pscOAuth2 } from '../autoconfig/oauth2.ts';
import { clientConfigXml } from '../autoconfig/xml.ts';
import type { Config } from '../config/config.ts';
import { zipFiles } from '../dossier/archive.ts';
import { t } from '../i18n/messages.ts';
import type { TestPki } from '../pki/index.ts';
import { TRUST_FILES } from '../pki/trust.ts';
import type { Logger } from '../util/log.ts';
import type { MailboxPasswords, ProductAccount } from './accounts.ts';

export interface KitSources {
  config: Config;
  pki: Pick<TestPki, 'trustBundlePem' | 'nonIgcRootPem' | 'evidenceRootPem'>;
  log: Logger;
}

export interface KitFile {
  path: string;
  /** What it is, in French (the kit page lists the files with it). */
  about: string;
  content: Uint8Array;
}

export async function kitFiles(
  sources: KitSources,
  account: ProductAccount,
  passwords: MailboxPasswords,
): Promise<KitFile[]> {
  const { config, pki, log } = sources;
  const files: KitFile[] = [];
  const add = (path: string, about: string, content: string | Uint8Array) =>
    files.push({ path, about, content: typeof content === 'string' ? Buffer.from(content, 'utf8') : content });

  add(`confiance/${TRUST_FILES.igc}`, t('kit.file.igc'), pki.trustBundlePem());
  add(`confiance/${TRUST_FILES.nonIgc}`, t('kit.file.nonIgc'), pki.nonIgcRootPem());
  add(`confiance/${TRUST_FILES.evidence}`, t('kit.file.evidence'), pki.evidenceRootPem());

  const certificate = account.certificate;
  if (certificate) {
    const { idnat } = certificate;
    const [key, chain, pkcs12] = await Promise.all([
      readFile(certificate.files.key),
      readFile(certificate.files.chain),
      readFile(certificate.files.pkcs12),
    ]);
    add(`certificat/${idnat}.key.pem`, t('kit.file.key'), key);
    add(`certificat/${idnat}.chain.pem`, t('kit.file.chain'), chain);
    add(`certificat/${idnat}.p12`, t('kit.file.pkcs12'), pkcs12);
    add(`certificat/${idnat}.p12-mot-de-passe.txt`, t('kit.file.pkcs12Password'), `${certificate.pkcs12Password}\n`);
  }

  const mailboxes = (['personal', 'applicative', 'patient'] as const).flatMap((role) => {
    const address = account.mailboxes[role] ?? (role === 'patient' ? account.patientAddress : null);
    return address
      ? [
          {
            role,
            address,
            password: passwords[role],
            endpoint: role === 'personal' ? 'psc' : role === 'applicative' ? 'org' : null,
          },
        ]
      : [];
  });
  add(
    'bal.json',
    t('kit.file.mailboxes'),
    json({
      nil: account.nil,
      runnerUserId: account.runnerUserId,
      idnatPsc: account.idnatPsc,
      idnatAuthCli: account.idnatAuthCli,
      mailboxes,
    }),
  );
  add(
    'serveurs.json',
    t('kit.file.endpoints'),
    json({
      mailDomain: config.mailDomain,
      autoconfig: `${config.autoconfig.url}/mail/config-v1.1.xml`,
      dns: { address: config.autoconfig.address, port: config.ports.dns },
      endpoints: config.endpoints.map((e) => ({
        id: e.id,
        for: e.balType === 'PSC' ? 'personal' : 'applicative',
        host: e.host,
        address: e.address,
        imap: { port: e.imapPort, security: 'STARTTLS' },
        smtp: { port: e.smtpPort, security: 'STARTTLS' },
        certificate: e.certificate,
      })),
    }),
  );
  const oAuth2 = pscOAuth2(config, log);
  for (const box of mailboxes.filter((m) => m.role !== 'patient')) {
    const servers = advertisedServers(config, endpointsFor(config, box.role), box.address);
    const block = box.role === 'personal' ? await oAuth2() : undefined;
    add(
      `autoconfig/${box.address}.xml`,
      t('kit.file.autoconfig', { address: box.address }),
      clientConfigXml({
        domain: config.mailDomain,
        displayName: t('autoconfig.displayName'),
        displayShortName: t('autoconfig.displayShortName'),
        servers,
        ...(block ? { oAuth2: block } : {}),
      }),
    );
  }
  files.unshift({
    path: 'LISEZMOI.txt',
    about: t('kit.file.readme'),
    content: Buffer.from(
      t('kit.readme', {
        nil: account.nil,
        url: config.publicUrl,
        files: files.map((f) => `  ${f.path} — ${f.about}`).join('\n'),
      }),
      'utf8',
    ),
  });
  return files;
}

export async function kitZip(
  sources: KitSources,
  account: ProductAccount,
  passwords: MailboxPasswords,
): Promise<Uint8Array> {
  return zipFiles(Object.fromEntries((await kitFiles(sources, account, passwords)).map((f) => [f.path, f.content])));
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
