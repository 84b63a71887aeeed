// Assembles the PSC sandbox simulator: identities, signing keys, the provider (rebuilt on key changes),
// the CIBA desk, the userinfo/introspection endpoints and the pages, all under <publicUrl>/psc.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/config.ts';
import type { IdentityDb } from '../db.ts';
import { SigningKeys } from '../keys.ts';
import { mountProvider } from '../mount.ts';
import { ProviderHolder } from '../oidc.ts';
import type { Csrf } from '../../web/csrf.ts';
import { acceptForms } from '../../web/forms.ts';
import { CibaDesk } from './ciba.ts';
import { registerTokenEndpoints } from './endpoints.ts';
import { PscIdentities } from './identities.ts';
import { registerPscPages, type PlatformCallers } from './pages.ts';
import { createPscProvider } from './provider.ts';

export interface PscSimulator {
  issuer: string;
  identities: PscIdentities;
  ciba: CibaDesk;
  holder: ProviderHolder;
  register(app: FastifyInstance): Promise<void>;
}

export async function createPscSimulator(o: {
  config: Config;
  issuer: string;
  db: IdentityDb;
  cookieKeys: string[];
  toolsSecret: string;
  csrf: Csrf;
  callers: PlatformCallers;
}): Promise<PscSimulator> {
  const identities = new PscIdentities(o.db);
  const keys = new SigningKeys(o.db, 'psc');
  // The desk needs the holder and the provider needs the desk: the provider calls it through this closure.
  let ciba: CibaDesk | undefined;
  const holder = new ProviderHolder(keys, (set) =>
    createPscProvider(
      {
        issuer: o.issuer,
        publicUrl: o.config.publicUrl,
        settings: o.config.psc,
        db: o.db,
        identities,
        cookieKeys: o.cookieKeys,
        toolsSecret: o.toolsSecret,
        secureCookies: o.config.publicUrl.startsWith('https:'),
        onCibaRequest: (request, clientId) => ciba!.requested(request, clientId),
      },
      set,
    ),
  );
  ciba = new CibaDesk(o.db, holder, identities, o.config.psc.cibaAutoApprove);
  await holder.refresh();
  return {
    issuer: o.issuer,
    identities,
    ciba,
    holder,
    async register(app) {
      await mountProvider(app, o.issuer, () => holder.handler, {
        '/.well-known/wallet-openid-configuration': '/.well-known/openid-configuration',
      });
      await app.register(async (forms) => {
        acceptForms(forms);
        registerTokenEndpoints(forms, { issuer: o.issuer, db: o.db, holder, identities });
        registerPscPages(forms, {
          holder,
          identities,
          ciba: ciba!,
          csrf: o.csrf,
          callers: o.callers,
          publicOrigin: new URL(o.config.publicUrl).origin,
        });
      });
    },
  };
}
