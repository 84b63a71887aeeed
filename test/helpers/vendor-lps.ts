// A vendor with a provisioned product account on a test platform, and the reference LPS set up to play
// that account's jobs (its mailboxes, its ORG_AUTH_CLI certificate, PSC tokens for its identity).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { identityDb } from '../../src/identity/db.ts';
import { PSC_TOOLS_SECRET, TOOLS_CLIENT_ID } from '../../src/identity/issuers.ts';
import { Secrets } from '../../src/identity/secrets.ts';
import type { LpsAccount, LpsContext } from '../../src/lps/context.ts';
import { PscTokenSource } from '../../src/lps/tokens.ts';
import { endpointListing } from '../../src/mail/endpoints.ts';
import { vendor } from './api.ts';
import type { TestPlatform } from './platform.ts';

export interface VendorAccount {
  id: number;
  nil: string;
  account: LpsAccount;
  context: LpsContext;
  api: Awaited<ReturnType<typeof vendor>>['api'];
  token: string;
}

export async function vendorWithAccount(
  t: TestPlatform,
  o: { login: string; immatriculation: string; nil: string; idnatPsc: string; idnatAuthCli: string },
): Promise<VendorAccount> {
  const v = await vendor(t.platform, { login: o.login, immatriculation: o.immatriculation });
  await t.platform.identity.psc.simulator!.identities.create({
    idnat: o.idnatPsc,
    givenName: 'Claire',
    familyName: o.login,
  });
  const created = await v.api('POST', '/accounts', { nil: o.nil, idnatPsc: o.idnatPsc, idnatAuthCli: o.idnatAuthCli });
  if (created.status !== 201 || created.body.status !== 'available')
    throw new Error(`account not available: ${JSON.stringify(created.body)}`);
  const view = created.body;
  // The certificate provisioning issued for the account, where `motco pki issue-client` also puts it.
  const clientDir = path.join(t.dataDir, 'pki', 'clients', o.idnatAuthCli);
  const own = {
    chainPem: readFileSync(path.join(clientDir, `${o.idnatAuthCli}.chain.pem`), 'utf8'),
    keyPem: readFileSync(path.join(clientDir, `${o.idnatAuthCli}.key.pem`), 'utf8'),
  };
  const account: LpsAccount = {
    nil: o.nil,
    idnatPsc: o.idnatPsc,
    idnatAuthCli: o.idnatAuthCli,
    personalMailbox: view.mailboxes.personal,
    applicativeMailbox: view.mailboxes.applicative,
    patientAddress: view.patientAddress,
    clientCertificate: { certPem: own.chainPem, keyPem: own.keyPem },
  };
  const foreign = await t.platform.pki.issueClientCertificate(
    `1${o.idnatAuthCli.slice(1).split('').reverse().join('')}`,
  );
  const secret = (await new Secrets(identityDb(t.platform.store.db)).get(PSC_TOOLS_SECRET))!;
  const context: LpsContext = {
    account,
    endpoints: endpointListing(t.config),
    trust: t.platform.pki.trustBundlePem(),
    tokens: new PscTokenSource(
      {
        discoveryUrl: t.platform.identity.psc.discoveryUrl,
        clientId: TOOLS_CLIENT_ID,
        clientSecret: secret,
        idnat: o.idnatPsc,
      },
      t.config.psc.clockSkewSeconds,
    ),
    // The mailboxes' own passwords, as the account's API view gives them to its vendor.
    passwords: Object.fromEntries(
      (['personal', 'applicative'] as const).map((role) => [view.mailboxes[role], view.passwords[role]]),
    ),
    reopenDelaySeconds: t.config.runner.reopenImapDelaySeconds,
    foreignClientCertificate: { certPem: foreign.chainPem, keyPem: foreign.keyPem },
    timeoutMs: 15_000,
  };
  return { id: view.id, nil: o.nil, account, context, api: v.api, token: v.token };
}
