// The account site (manual §2) and the agency review, server-rendered in French:
//   /                         home, « Connexion » → ISC (OpenID Connect) → /connexion/retour → web session
//   /deconnexion              POST (CSRF): ends the session, then ISC's
//   /comptes                  « Liste de comptes »; /comptes/nouveau, /comptes/<id>/modifier: the forms
//   /comptes/<id>             what the vendor configures its LPS with (mailboxes, servers, trust, certificate)
//   /comptes/<id>/kit         the vendor kit: the same as one ZIP (/comptes/<id>/kit.zip)
//   /mon-poste                « Ce que la plateforme voit de mon poste »: the vendor's IP and latest sessions
//   /revue, /revue/executions/<id>   reviewers and admins: any execution's evidence, exports
//   /revue/dossier            reviewers and admins: an evidence dossier uploaded, verified and compared
import type { Accounts } from '../../accounts/accounts.ts';
import type { PlatformDirectory } from '../../accounts/directory.ts';
import type { Auth } from '../../auth/index.ts';
import type { Config } from '../../config/config.ts';
import type { Identity } from '../../identity/index.ts';
import { acceptForms } from '../forms.ts';
import type { Journal } from '../../observe/journal.ts';
import type { TestPki } from '../../pki/index.ts';
import type { ExecutionStore } from '../../runner/store.ts';
import type { Logger } from '../../util/log.ts';
import { registerDossierReview } from '../review/dossier-page.ts';
import { registerReviewPages } from '../review/pages.ts';
import type { RouteRegistrar } from '../server.ts';
import { registerAccountDetail } from './account-detail.ts';
import { registerAccountPages } from './accounts-pages.ts';
import { registerKitPages } from './kit-page.ts';
import { IscRelyingParty } from './isc-client.ts';
import { SiteLayout } from './layout.ts';
import { registerLogin } from './login.ts';
import { registerPreflight } from './preflight.ts';

export interface SiteDeps {
  config: Config;
  accounts: Accounts;
  users: PlatformDirectory;
  auth: Auth;
  identity: Identity;
  journal: Journal;
  executions: ExecutionStore;
  pki: Pick<TestPki, 'trustBundlePem' | 'nonIgcRootPem' | 'evidenceRootPem'>;
  log: Logger;
}

/** What the pages share. */
export interface Site extends Omit<SiteDeps, 'identity'> {
  layout: SiteLayout;
  isc: IscRelyingParty;
}

export function siteRoutes(deps: SiteDeps): RouteRegistrar {
  return async (app) => {
    const { config, accounts, users, auth, identity, journal, executions, pki, log } = deps;
    const site: Site = {
      config,
      accounts,
      users,
      auth,
      journal,
      executions,
      pki,
      log,
      layout: new SiteLayout(auth.sessions, identity.csrf, new URL(identity.isc.issuer).origin),
      isc: new IscRelyingParty(identity.isc, config.publicUrl),
    };
    await app.register(async (scope) => {
      acceptForms(scope);
      registerLogin(scope, site);
      registerAccountPages(scope, site);
      registerAccountDetail(scope, site);
      registerPreflight(scope, site);
      registerReviewPages(scope, site);
      registerKitPages(scope, site);
      registerDossierReview(scope, site);
    });
  };
}
