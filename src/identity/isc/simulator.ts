// Assembles the ISC simulator: directory, codes, mailer, signing keys, provider and pages under <publicUrl>/isc.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/config.ts';
import type { Logger } from '../../util/log.ts';
import type { IdentityDb } from '../db.ts';
import { SigningKeys } from '../keys.ts';
import { mountProvider } from '../mount.ts';
import { ProviderHolder } from '../oidc.ts';
import type { Csrf } from '../../web/csrf.ts';
import { acceptForms } from '../../web/forms.ts';
import { LoginCodes } from './codes.ts';
import { IscDirectory } from './directory.ts';
import { Mailer } from './mailer.ts';
import { registerIscPages } from './pages.ts';
import { createIscProvider } from './provider.ts';
import { LoginThrottle } from './throttle.ts';

export interface IscSimulator {
  issuer: string;
  directory: IscDirectory;
  mailer: Mailer;
  holder: ProviderHolder;
  throttle: LoginThrottle;
  /** Forgets what is over: throttle windows, codes a day past expiry, outbox mail a day old (identity maintenance). */
  purge(now?: number): Promise<void>;
  register(app: FastifyInstance): Promise<void>;
}

export async function createIscSimulator(o: {
  config: Config;
  issuer: string;
  db: IdentityDb;
  cookieKeys: string[];
  clientSecret: string;
  adminPassword: string;
  codeKey: string;
  csrf: Csrf;
  log: Logger;
}): Promise<IscSimulator> {
  const directory = new IscDirectory(o.db);
  const mailer = new Mailer(o.db, o.config.isc.smtp ?? o.config.outgoingMail, o.log);
  const codes = new LoginCodes(o.db, o.codeKey, o.config.isc.codeTtlSeconds);
  const throttle = new LoginThrottle(o.db, o.config.isc.throttle);
  const holder = new ProviderHolder(new SigningKeys(o.db, 'isc'), (set) =>
    createIscProvider(
      {
        issuer: o.issuer,
        publicUrl: o.config.publicUrl,
        settings: o.config.isc,
        db: o.db,
        directory,
        cookieKeys: o.cookieKeys,
        clientSecret: o.clientSecret,
        secureCookies: o.config.publicUrl.startsWith('https:'),
      },
      set,
    ),
  );
  await holder.refresh();
  return {
    issuer: o.issuer,
    directory,
    mailer,
    holder,
    throttle,
    async purge(now = Date.now()) {
      await throttle.purge(now);
      await codes.purge(now);
      await mailer.purge(now);
    },
    async register(app) {
      await mountProvider(app, o.issuer, () => holder.handler);
      await app.register(async (forms) => {
        acceptForms(forms);
        registerIscPages(forms, {
          issuer: o.issuer,
          holder,
          directory,
          codes,
          mailer,
          csrf: o.csrf,
          adminPassword: o.adminPassword,
          codeTtlSeconds: o.config.isc.codeTtlSeconds,
          throttle,
          throttleSettings: o.config.isc.throttle,
          clientName: 'motco (MSSanté — outil de tests éditeurs)',
        });
      });
    },
  };
}
