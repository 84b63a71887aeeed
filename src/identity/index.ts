// The identity side of the platform: the PSC and ISC simulators (or the real providers by configuration)
// and the verifier the mail endpoints use for XOAUTH2 bearers. Issuer URLs derive from publicUrl:
//   PSC  <publicUrl>/psc/auth/realms/esante-wallet   (pages under /psc: e-CPS login, e-CPS de test, EDIT)
//   ISC  <publicUrl>/isc/auth/realms/isc             (pages under /isc: login, code, consent, admin, outbox)
import type { FastifyRequest } from 'fastify';
import type { Auth } from '../auth/index.ts';
import type { Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import type { BearerVerifier } from '../mail/authenticate.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from '../util/log.ts';
import type { RouteRegistrar } from '../web/server.ts';
import { purgeExpired } from './adapter.ts';
import { identityDb, type IdentityDb } from './db.ts';
import { createIscSimulator, type IscSimulator } from './isc/simulator.ts';
import type { MailboxOwners } from './owners.ts';
import { accessTokenLive } from './psc/provider.ts';
import { createPscSimulator, type PscSimulator } from './psc/simulator.ts';
import { ISC_ADMIN_PASSWORD, ISC_CLIENT_SECRET, issuers, PSC_TOOLS_SECRET, TOOLS_CLIENT_ID } from './issuers.ts';
import { Secrets } from './secrets.ts';
import { AccessTokenVerifier, type Liveness } from './tokens.ts';
import { Csrf } from '../web/csrf.ts';

/** How often keys are looked at (a pending key activates, a retired one leaves) and expired rows purged. */
const MAINTENANCE_MS = 60 * 1000;

export interface IssuerEndpoints {
  mode: 'simulated' | 'external';
  issuer: string;
  discoveryUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface Identity {
  psc: IssuerEndpoints & { simulator?: PscSimulator };
  isc: IssuerEndpoints & { simulator?: IscSimulator };
  verifier: BearerVerifier;
  routes: RouteRegistrar;
  /** The form key of the identity pages and the platform's own: one CSRF session cookie serves every form. */
  csrf: Csrf;
  /** Rebuilds providers whose keys changed and purges expired rows (also run every minute). */
  maintain(): Promise<void>;
  stop(): Promise<void>;
}

/** `owners` says whose a mailbox is; `auth` who is signed in to the platform (the PSC pages act for them). */
export async function startIdentity(
  config: Config,
  store: Store,
  log: Logger,
  deps: { owners: MailboxOwners; auth: Auth },
): Promise<Identity> {
  const db: IdentityDb = identityDb(store.db);
  const secrets = new Secrets(db);
  const urls = issuers(config);
  const secureCookies = config.publicUrl.startsWith('https:');
  const csrf = new Csrf((await secrets.obtain('forms.csrfKey')).value, secureCookies);

  let pscSimulator: PscSimulator | undefined;
  let pscClient = { clientId: config.psc.clientId, clientSecret: config.psc.clientSecret };
  if (config.psc.mode === 'simulated') {
    const toolsSecret = (await secrets.obtain(PSC_TOOLS_SECRET)).value;
    const callers = {
      sessionUser: (request: FastifyRequest) => deps.auth.sessions.sessionUser(request),
      caller: (request: FastifyRequest) => deps.auth.authenticate(request),
    };
    pscSimulator = await createPscSimulator({
      config,
      issuer: urls.psc.issuer,
      db,
      cookieKeys: [(await secrets.obtain('psc.cookieKey')).value],
      toolsSecret,
      csrf,
      callers,
    });
    // The verifier introspects with the platform's own client, whatever the vendors' client is configured to.
    pscClient = { clientId: TOOLS_CLIENT_ID, clientSecret: toolsSecret };
  }

  let iscSimulator: IscSimulator | undefined;
  let iscSecret = config.isc.clientSecret;
  if (config.isc.mode === 'simulated') {
    iscSecret ??= (await secrets.obtain(ISC_CLIENT_SECRET)).value;
    const admin = config.isc.adminPassword
      ? { value: config.isc.adminPassword, created: false }
      : await secrets.obtain(ISC_ADMIN_PASSWORD);
    if (admin.created)
      log.warn(t('isc.admin.generated', { password: admin.value, url: `${config.publicUrl}/isc/admin` }));
    iscSimulator = await createIscSimulator({
      config,
      issuer: urls.isc.issuer,
      db,
      cookieKeys: [(await secrets.obtain('isc.cookieKey')).value],
      clientSecret: iscSecret,
      adminPassword: admin.value,
      codeKey: (await secrets.obtain('isc.codeKey')).value,
      csrf,
      log,
    });
  } else if (!iscSecret) {
    throw new Error(t('identity.clientSecretRequired', { name: 'isc' }));
  }

  // A revoked grant stops its tokens: the simulator's store says so at once; an external PSC by introspection.
  const liveness: Liveness = pscSimulator
    ? { kind: 'store', live: (jti) => accessTokenLive(db, jti) }
    : config.psc.revocationCheck
      ? { kind: 'introspection', cacheSeconds: config.psc.introspectionCacheSeconds }
      : { kind: 'none' };
  const verifier = new AccessTokenVerifier(
    {
      ...urls.psc,
      ...pscClient,
      acceptedAcr: config.psc.acceptedAcr,
      clockSkewSeconds: config.psc.clockSkewSeconds,
      liveness,
    },
    deps.owners,
  );

  const maintain = async () => {
    await pscSimulator?.holder.refresh();
    await iscSimulator?.holder.refresh();
    await purgeExpired(db);
    await iscSimulator?.purge();
  };
  const timer = setInterval(
    () => maintain().catch((error: unknown) => log.error('identity maintenance failed', { error })),
    MAINTENANCE_MS,
  );
  timer.unref();

  return {
    psc: {
      mode: config.psc.mode,
      ...urls.psc,
      clientId: config.psc.clientId,
      clientSecret: config.psc.clientSecret,
      ...(pscSimulator ? { simulator: pscSimulator } : {}),
    },
    isc: {
      mode: config.isc.mode,
      ...urls.isc,
      clientId: config.isc.clientId,
      clientSecret: iscSecret,
      ...(iscSimulator ? { simulator: iscSimulator } : {}),
    },
    verifier,
    csrf,
    async routes(app) {
      await pscSimulator?.register(app);
      await iscSimulator?.register(app);
    },
    maintain,
    async stop() {
      clearInterval(timer);
    },
  };
}
