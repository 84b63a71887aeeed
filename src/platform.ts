// Assembles and starts the whole platform: store, journal, PKI, web server, mail endpoints. The CLI's
// `start` and the tests both go through here, so what is tested is what runs.
import type { Config, EndpointConfig } from './config/config.ts';
import { Authenticator, acceptUnverifiedBearer } from './mail/authenticate.ts';
import { startMailListeners } from './mail/listeners.ts';
import { Delivery } from './mail/mailbox/delivery.ts';
import { MailboxStore } from './mail/mailbox/store.ts';
import { SubmissionStore } from './mail/message/submissions.ts';
import type { MailServices } from './mail/services.ts';
import { SessionRegistry } from './mail/sessions.ts';
import { EndpointTls } from './mail/tls/starttls.ts';
import { Journal } from './observe/journal.ts';
import { TestPki, type PkiCheck } from './pki/index.ts';
import { openStore, type Store } from './store/store.ts';
import { createLogger, type Logger } from './util/log.ts';
import { assetRoutes } from './web/assets.ts';
import { startWebServer } from './web/server.ts';

export interface Platform {
  config: Config;
  store: Store;
  journal: Journal;
  pki: TestPki;
  mailboxes: MailboxStore;
  sessions: SessionRegistry;
  /** Results of the PKI health check run at start-up. */
  pkiChecks: PkiCheck[];
  stop(): Promise<void>;
}

/** How often CRLs and OCSP staples are looked at (they are re-signed only when due). */
const PKI_REFRESH_MS = 60 * 60 * 1000;

export async function startPlatform(config: Config, options: { log?: Logger } = {}): Promise<Platform> {
  const log = options.log ?? createLogger(config.log.level);
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const store = await openStore(config.dataDir);
    cleanups.push(() => store.close());
    const journal = new Journal(store.db);
    const pki = await TestPki.open(config, log);
    const pkiChecks = await pki.check();
    for (const failed of pkiChecks.filter((c) => !c.ok)) log.warn('PKI check failed', { check: failed.name, detail: failed.detail });

    const mailboxes = new MailboxStore(store.db, { mail: config.mailDomain, patient: config.patientDomain });
    const sessions = new SessionRegistry();
    const endpointTls = new Map<EndpointConfig['id'], EndpointTls>(
      config.endpoints.map((e) => [e.id, new EndpointTls(e, pki, config.tls.ecdhCurves, config.tls.handshakeTimeoutSeconds * 1000)]),
    );
    const services: MailServices = {
      config,
      journal,
      log,
      mailboxes,
      delivery: new Delivery(mailboxes),
      submissions: new SubmissionStore(store.db),
      authenticator: new Authenticator(mailboxes, config.webmailPassword, acceptUnverifiedBearer),
      registry: sessions,
      tls: (id) => endpointTls.get(id)!,
    };

    const web = await startWebServer(config, log, [assetRoutes, pki.routes(journal)]);
    cleanups.push(() => web.close());
    const mail = await startMailListeners(services);
    cleanups.push(() => mail.close());

    const timer = setInterval(() => {
      pki.refresh().then(
        () => endpointTls.forEach((e) => e.reload()),
        (error: unknown) => log.error('PKI refresh failed', { error }),
      );
    }, PKI_REFRESH_MS);
    timer.unref();
    cleanups.push(() => clearInterval(timer));

    return { config, store, journal, pki, mailboxes, sessions, pkiChecks, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
