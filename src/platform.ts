// Assembles and starts the whole platform: store, journal, PKI, web server, DNS, mail endpoints. The CLI's
// `start` and the tests both go through here, so what is tested is what runs.
import { Accounts } from './accounts/accounts.ts';
import { PlatformDirectory } from './accounts/directory.ts';
import { ProvisioningSchedule } from './accounts/schedule.ts';
import { apiRoutes } from './api/index.ts';
import { Auth } from './auth/index.ts';
import { LocalBus, type Bus } from './bus/bus.ts';
import { PostgresBus } from './bus/postgres.ts';
import { startDnsServer } from './autoconfig/dns.ts';
import { autoconfigRoutes } from './autoconfig/http.ts';
import type { Config, EndpointConfig } from './config/config.ts';
import { startIdentity, type Identity } from './identity/index.ts';
import { Authenticator } from './mail/authenticate.ts';
import { ConnectionLimits, type ConnectionGate } from './mail/connection-limits.ts';
import { startMailListeners } from './mail/listeners.ts';
import { Delivery } from './mail/mailbox/delivery.ts';
import { MailboxStore } from './mail/mailbox/store.ts';
import { SubmissionStore } from './mail/message/submissions.ts';
import type { MailServices } from './mail/services.ts';
import { SessionRegistry } from './mail/sessions.ts';
import { EndpointTls } from './mail/tls/starttls.ts';
import { Journal } from './observe/journal.ts';
import { JournalRetention } from './observe/retention.ts';
import { TestPki, WEB_SERVER } from './pki/index.ts';
import { Runner } from './runner/runner.ts';
import { ExecutionStore } from './runner/store.ts';
import { openStore, type Store } from './store/store.ts';
import { securePrivateFolder } from './util/files.ts';
import { createLogger, type Logger } from './util/log.ts';
import { t } from './i18n/messages.ts';
import { setTimeZone } from './i18n/time.ts';
import { assetRoutes } from './web/assets.ts';
import { startWebServer, type RouteEntry } from './web/server.ts';
import { webmailRoutes } from './webmail/routes.ts';
import { runnerPages } from './web/runner/routes.ts';
import { siteRoutes } from './web/site/index.ts';

export interface Platform {
  config: Config;
  store: Store;
  journal: Journal;
  pki: TestPki;
  mailboxes: MailboxStore;
  sessions: SessionRegistry;
  /** PSC and ISC (simulated or real) and the verifier of XOAUTH2 bearers. */
  identity: Identity;
  /** Product accounts and their provisioning batch; the platform's users (vendors, reviewers, admins). */
  accounts: Accounts;
  users: PlatformDirectory;
  schedule: ProvisioningSchedule;
  /** API tokens and web sessions. */
  auth: Auth;
  runner: Runner;
  executions: ExecutionStore;
  /** Every HTTP route registered (method and URL pattern). */
  routes: RouteEntry[];
  /** What the processes of the deployment tell each other (src/bus/bus.ts). */
  bus: Bus;
  stop(): Promise<void>;
}

/** How often CRLs and OCSP staples are looked at (they are re-signed only when due). */
const PKI_REFRESH_MS = 60 * 60 * 1000;

export interface PlatformOptions {
  log?: Logger;
  /** Carries events to the other processes of the deployment; absent: PostgresBus on PostgreSQL, LocalBus on SQLite. */
  bus?: Bus;
  /**
   * Whether executions left running are ended INTERRUPTED at start (default true): false for a worker of
   * `motco start` started after the others (a restart), whose fellow workers may be running them.
   */
  recover?: boolean;
  /** Where connections take their place under the connection limits; absent: a count of this process's own. */
  connections?: ConnectionGate;
}

export async function startPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const log = options.log ?? createLogger(config.log.level);
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    // Everything the platform creates is its own: keys, tokens, the database and its journal files, all mail.
    process.umask(0o077);
    setTimeZone(config.timeZone);
    const fixed = securePrivateFolder(config.dataDir);
    if (fixed.length > 0) log.warn(t('dataFolder.fixed', { count: fixed.length }), { dataDir: config.dataDir });
    const store = await openStore(config);
    cleanups.push(() => store.close());
    // The other processes of the deployment: instances sharing the PostgreSQL database, or the workers' bus given.
    const bus = options.bus ?? (store.newClient ? await PostgresBus.started(store.newClient, log) : new LocalBus(log));
    if (!options.bus) cleanups.push(() => bus.close());
    const journal = new Journal(store.db, { log, bus });
    const pki = await TestPki.open(config, log);
    // A client certificate issued here must read « good » at every process's OCSP responder.
    pki.onClientCertificateIssued((idnat) => bus.publish({ type: 'pki.changed', idnat }));
    bus.on('pki.changed', ({ idnat }) =>
      pki
        .learnClientCertificate(idnat)
        .catch((error: unknown) => log.error('pki: certificate not read', { idnat, error })),
    );
    // The health check (chains, CRLs, OCSP answers: `motco pki check` runs the same) only warns: it runs beside the
    // start rather than before it, as it takes a tenth of a second of parsing.
    void pki.check().then(
      (checks) => {
        for (const failed of checks.filter((c) => !c.ok))
          log.warn('PKI check failed', { check: failed.name, detail: failed.detail });
      },
      (error: unknown) => log.error('PKI check failed', { error }),
    );

    const mailboxes = new MailboxStore(
      store.db,
      { mail: config.mailDomain, patient: config.patientDomain },
      config.mailbox,
    );
    mailboxes.events.connect(bus);
    const sessions = new SessionRegistry();
    sessions.connect(bus);
    const users = new PlatformDirectory(store.db);
    const accounts = new Accounts({ config, db: store.db, mailboxes, certificates: async () => pki, log });
    const auth = new Auth(store.db, users, config.publicUrl.startsWith('https:'));
    const identity = await startIdentity(config, store, log, { owners: accounts.owners, auth });
    cleanups.push(() => identity.stop());
    const endpointTls = new Map<EndpointConfig['id'], EndpointTls>(
      config.endpoints.map((e) => [
        e.id,
        new EndpointTls(e, pki, config.tls.ecdhCurves, config.tls.handshakeTimeoutSeconds * 1000),
      ]),
    );
    const services: MailServices = {
      config,
      journal,
      log,
      mailboxes,
      delivery: new Delivery(mailboxes),
      submissions: new SubmissionStore(store.db),
      authenticator: new Authenticator(mailboxes, config.webmailPassword, identity.verifier),
      registry: sessions,
      connections: options.connections ?? new ConnectionLimits(config.limits),
      tls: (id) => endpointTls.get(id)!,
    };

    // The manual's shared password opens every mailbox: on an instance several vendors share, each could sign in as
    // another.
    if (config.webmailPassword !== undefined && (await users.organisations()).length >= 2)
      log.warn(t('config.sharedPasswordShared'));

    const executions = new ExecutionStore(store.db);
    const runner = new Runner({ config, journal, store: executions, accounts: accounts.forRunner, sessions, log, bus });
    if (options.recover ?? true) await runner.recover();
    const adminToken = await auth.ensureAdminToken(config.dataDir);
    if (adminToken.created) log.info('admin API token written', { file: adminToken.file });
    const schedule = new ProvisioningSchedule(
      config.accounts,
      () => accounts.runBatch(),
      log,
      () => bus.leader(),
    );
    const api = apiRoutes({
      config,
      accounts,
      directory: users,
      auth,
      runner,
      executions,
      journal,
      schedule,
      pki,
      log,
    });

    const autoconfig = autoconfigRoutes({ config, mailboxes, journal, log });
    const site = siteRoutes({ config, accounts, users, auth, identity, journal, executions, pki, log });
    const runnerWeb = runnerPages({
      config,
      db: store.db,
      accounts,
      auth,
      runner,
      executions,
      identity,
      journal,
      pki,
    });
    const webmail = webmailRoutes({
      config,
      db: store.db,
      mailboxes,
      authenticator: services.authenticator,
      csrf: identity.csrf,
      siteSessions: auth.sessions,
      accounts,
      trust: () => pki.trustBundlePem(),
      log,
    });
    const web = await startWebServer(
      config,
      log,
      [assetRoutes, pki.routes(journal), autoconfig, identity.routes, api, site, runnerWeb, webmail],
      pki.credentials(WEB_SERVER),
      journal,
    );
    cleanups.push(() => web.close());
    const dns = await startDnsServer({ config, journal, log });
    cleanups.push(() => dns.close());
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
    schedule.start();
    cleanups.push(() => schedule.stop());
    // Singleton work like the schedule: one process of the deployment purges (the bus's leader).
    const retention = new JournalRetention(store.db, {
      days: config.journal.retentionDays,
      log,
      leader: () => bus.leader(),
    });
    void retention.start();
    cleanups.push(() => retention.stop());
    // Last pushed, first run at stop: running executions end INTERRUPTED while everything they use still works.
    cleanups.push(() => runner.shutdown());

    return {
      config,
      store,
      journal,
      pki,
      mailboxes,
      sessions,
      identity,
      accounts,
      users,
      schedule,
      auth,
      runner,
      executions,
      routes: web.routes,
      bus,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
