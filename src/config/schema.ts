// The typed configuration: what can be set, its defaults and its bounds.
// Derived values (ports, host names, URLs) are computed in resolve.ts, not stored here.
import { isIP } from 'node:net';
import { z } from 'zod';
import { isTimeZone } from '../i18n/time.ts';

export const ENDPOINT_IDS = [
  'org',
  'psc',
  'org-nonigc',
  'psc-nonigc',
  'org-expire',
  'psc-expire',
  'org-revoq',
  'psc-revoq',
] as const;
export type EndpointId = (typeof ENDPOINT_IDS)[number];

// Strings from environment variables arrive as text: accept the usual spellings of a boolean.
const bool = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on', 'oui'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', 'non'].includes(v)) return false;
  return value;
}, z.boolean());

// A list from an environment variable arrives as one string: split it on commas and white space.
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => (typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : value), z.array(item));

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const port = int(1, 65535);
const ipAddress = z.string().refine((v) => isIP(v) !== 0, { message: 'adresse IP attendue (IPv4 ou IPv6)' });
const hostname = z
  .string()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, {
    message: 'nom de domaine attendu',
  });

const endpointOverride = z.strictObject({
  host: hostname.optional(),
  address: ipAddress.optional(),
  imapPort: port.optional(),
  smtpPort: port.optional(),
  /** PEM files of a certificate chain and key to present instead of the generated test certificate. */
  certFile: z.string().min(1).optional(),
  keyFile: z.string().min(1).optional(),
  requestClientCertificate: bool.optional(),
});
export type EndpointOverride = z.infer<typeof endpointOverride>;

export const configSchema = z.strictObject({
  /** Folder holding the database, the PKI and everything the platform keeps. */
  dataDir: z.string().min(1).default('data'),
  /** Every listener port derives from this one, so two instances run side by side with different bases. */
  portBase: int(1, 65535 - 600).default(10000),
  /** Address the listeners bind to unless an endpoint sets its own. */
  listenAddress: ipAddress.default('127.0.0.1'),
  /** Host names are derived from it: mail-org-tests-editeur.<baseDomain>, … */
  baseDomain: hostname.default('motco.localhost'),
  /** Domain of the test mailboxes; default mail-tests-editeur.<baseDomain>. */
  mailDomain: hostname.optional(),
  /** Base URL under which clients reach the web server (CRL, OCSP, later the pages); default http://<listenAddress>:<web port>, loopback for a wildcard. */
  publicUrl: z.url().optional(),
  /** Time zone of every time users read — pages, logs, exports, webmail, command output: an IANA name. */
  timeZone: z.string().refine(isTimeZone, { message: 'fuseau horaire IANA attendu (par exemple Europe/Paris)' }).default('Europe/Paris'),
  /**
   * The manual's shared password of every test mailbox (§1.4, « ODTMotco2 »), accepted besides each mailbox's
   * own password, and the webmail's password form. Unset by default: on a shared instance it would open every
   * vendor's mailboxes (IdNat numbers are public).
   */
  webmailPassword: z.string().min(1).optional(),
  endpoints: z.partialRecord(z.enum(ENDPOINT_IDS), endpointOverride).default({}),
  webTls: z
    .strictObject({
      /** PEM files of a certificate chain and key for the HTTPS listener instead of the generated certificate. */
      certFile: z.string().min(1).optional(),
      keyFile: z.string().min(1).optional(),
    })
    .prefault({}),
  autoconfig: z
    .strictObject({
      /** Base URL of the autoconfig host as vendors are told it (deployment: https://autoconfig.<mailDomain>); default publicUrl. */
      url: z.url().optional(),
      /** Address clients reach the web and DNS servers at, answered for their names in DNS (and for endpoints on a wildcard address); default listenAddress (loopback when it is a wildcard). */
      address: ipAddress.optional(),
    })
    .prefault({}),
  smtp: z
    .strictObject({
      maxMessageBytes: int(1024, 1024 * 1024 * 1024).default(25 * 1024 * 1024),
      maxRecipients: int(1, 10_000).default(100),
      /** Longest command line accepted (RFC 5321 asks at least 512). */
      maxCommandLineBytes: int(512, 1024 * 1024).default(4096),
      /** Longest line inside DATA (RFC 5321 says 1000; longer lines are recorded as such). */
      maxDataLineBytes: int(1000, 16 * 1024 * 1024).default(1024 * 1024),
      /** Idle time allowed before authentication (short: an unauthenticated peer holds few resources). */
      preAuthTimeoutSeconds: int(1, 3600).default(60),
      /** Idle time allowed once authenticated (RFC 5321 §4.5.3.2 suggests 5 minutes). */
      idleTimeoutSeconds: int(1, 7200).default(300),
      /** Unrecognised or malformed commands tolerated before the session is closed with 421. */
      maxBadCommands: int(1, 1000).default(20),
    })
    .prefault({}),
  imap: z
    .strictObject({
      /** Longest command line, literals excluded (Dovecot's imap_max_line_length is 64 KiB too). */
      maxLineBytes: int(1024, 16 * 1024 * 1024).default(64 * 1024),
      /** Largest literals of one command once authenticated (APPEND); before, maxLineBytes applies. */
      maxLiteralBytes: int(1024, 1024 * 1024 * 1024).default(25 * 1024 * 1024),
      /** One command as a whole: lines and literals before authentication, its lines once authenticated (literals: maxLiteralBytes). */
      maxCommandBytes: int(1024, 1024 * 1024 * 1024).default(256 * 1024),
      /** Literals in one command (a flood of lines ending {0+} is cut here). */
      maxLiterals: int(1, 100_000).default(100),
      /** Parentheses, [sections] and search criteria (NOT, OR, lists) nested in one command; deeper is BAD. */
      maxNestingDepth: int(1, 256).default(32),
      /** Idle time allowed before authentication (short: an unauthenticated peer holds few resources). */
      preAuthTimeoutSeconds: int(1, 3600).default(60),
      /** Idle time allowed once authenticated: RFC 3501 §5.4 asks for at least 30 minutes. */
      idleTimeoutSeconds: int(30 * 60, 24 * 3600).default(30 * 60),
      /** Malformed or unknown commands tolerated before * BYE. */
      maxBadCommands: int(1, 1000).default(20),
    })
    .prefault({}),
  tls: z
    .strictObject({
      /** ECDHE groups offered; all at least 256 bits as CONF.03 requires. */
      ecdhCurves: z.string().min(1).default('P-256:P-384:P-521'),
      handshakeTimeoutSeconds: int(1, 600).default(30),
    })
    .prefault({}),
  // What one client can hold on the mail endpoints, IMAP and SMTP alike (refusals are journaled).
  limits: z
    .strictObject({
      /** Connections one client address may hold on one endpoint, IMAP and SMTP together (IPv6: per /64). */
      maxConnectionsPerAddress: int(1, 1_000_000).default(500),
      /** Connections one client address may hold on all endpoints together. */
      maxConnectionsPerAddressTotal: int(1, 1_000_000).default(1000),
      /** Connections on all endpoints together, whoever holds them. */
      maxConnectionsTotal: int(1, 1_000_000).default(5000),
      /** Time from connection to authentication, however busy the client keeps the session meanwhile. */
      preAuthDeadlineSeconds: int(1, 3600).default(120),
      /** Time from the first byte of a command to its end (literals, SASL exchange and DATA included). */
      commandDeadlineSeconds: int(1, 24 * 3600).default(600),
    })
    .prefault({}),
  // What one client can grow in a test mailbox, whether through IMAP, SMTP or the webmail.
  mailbox: z
    .strictObject({
      /** Messages a mailbox may hold, all folders together. */
      quotaMessages: int(1, 100_000_000).default(10_000),
      /** Bytes of messages a mailbox may hold, all folders together. */
      quotaBytes: int(1024 * 1024, 2 ** 50).default(1024 * 1024 * 1024),
      /** Keywords (flags that are not system flags) on one message. */
      maxKeywordsPerMessage: int(1, 1000).default(32),
      /** Distinct keywords in one folder (an IMAP mailbox): the FLAGS list a SELECT sends. */
      maxKeywordsPerFolder: int(1, 10_000).default(256),
      /** Length of one keyword. */
      maxKeywordBytes: int(16, 4096).default(128),
    })
    .prefault({}),
  pki: z
    .strictObject({
      keyBits: int(2048, 8192).default(2048),
      serverValidityDays: int(2, 825).default(397),
      clientValidityDays: int(1, 3 * 365).default(365),
      /** A valid leaf whose remaining life is shorter than this is re-issued at start-up. */
      renewBeforeDays: int(1, 365).default(30),
      crlValidityDays: int(1, 365).default(7),
    })
    .prefault({}),
  // Pro Santé Connect: the embedded sandbox simulator, or the real PSC (BAS) by configuration.
  psc: z
    .strictObject({
      mode: z.enum(['simulated', 'external']).default('simulated'),
      /** Issuer of access tokens; default (simulated) <publicUrl>/psc/auth/realms/esante-wallet. Required when external. */
      issuer: z.url().optional(),
      /** Discovery document; default <issuer>/.well-known/openid-configuration (PSC BAS: …/wallet-openid-configuration). */
      discoveryUrl: z.url().optional(),
      /** The platform's client at PSC (token helper, introspection); in simulated mode, also the client vendors' LPS use. */
      clientId: z.string().min(1).default('motco-lps'),
      clientSecret: z.string().min(1).default('motco-lps-secret'),
      /** Redirect URIs of that client for the authorization code flow (simulated mode; loopback URIs accept any port). */
      redirectUris: list(z.url()).default(['http://127.0.0.1/callback', 'http://localhost/callback']),
      accessTokenTtlSeconds: int(10, 86_400).default(120),
      refreshTokenTtlSeconds: int(10, 30 * 86_400).default(1800),
      /** Approve every CIBA request at once, as if the e-CPS holder had accepted (automation). */
      cibaAutoApprove: bool.default(false),
      /** Tolerance on exp/nbf when the mail endpoints verify an access token. */
      clockSkewSeconds: int(0, 600).default(30),
      /** acr values an access token must carry to open a mailbox. */
      acceptedAcr: list(z.string().min(1)).default(['eidas1']),
      /** External PSC: introspect each access token before it opens a mailbox, so that a revoked grant stops it (the simulator is asked its store instead). */
      revocationCheck: bool.default(true),
      /** External PSC: how long an introspection answer is reused (a revoked token opens mailboxes at most this long). */
      introspectionCacheSeconds: int(0, 300).default(10),
    })
    .prefault({}),
  // Industriels Santé Connect: vendor users' login to the account site, simulated or real.
  isc: z
    .strictObject({
      mode: z.enum(['simulated', 'external']).default('simulated'),
      /** Default (simulated) <publicUrl>/isc/auth/realms/isc. Required when external. */
      issuer: z.url().optional(),
      discoveryUrl: z.url().optional(),
      /** The account site's client at ISC. In simulated mode the secret is generated and kept when not set. */
      clientId: z.string().min(1).default('motco-comptes'),
      clientSecret: z.string().min(1).optional(),
      /** Where ISC may send the account site's users back after login and logout. */
      redirectUris: list(z.url()).default([]),
      postLogoutRedirectUris: list(z.url()).default([]),
      /** Life of the e-mailed login code (manual §2.2.1: 5 minutes). */
      codeTtlSeconds: int(1, 3600).default(300),
      /** Password of the simulator's admin page (user "admin"); generated at first start and printed when not set. */
      adminPassword: z.string().min(8).optional(),
      /** Relay for the code e-mails; without it they land in the development outbox page and the log. */
      smtp: z
        .strictObject({
          host: hostname.or(ipAddress),
          port: port.default(587),
          from: z.email(),
          /** STARTTLS is required unless this is false (a local relay on loopback, say). */
          requireTls: bool.default(true),
          /** PEM file of the CA that signs the relay's certificate; default the system trust store. */
          caFile: z.string().min(1).optional(),
          user: z.string().min(1).optional(),
          password: z.string().min(1).optional(),
        })
        .optional(),
      /** Login throttling (password and code steps): failures counted per login and per client address in a window. */
      throttle: z
        .strictObject({
          windowSeconds: int(1, 24 * 3600).default(900),
          maxFailuresPerLogin: int(1, 1000).default(5),
          maxFailuresPerAddress: int(1, 100_000).default(50),
          /** New codes one login attempt may ask for after the first, and the wait between two codes. */
          maxCodeResends: int(0, 100).default(3),
          codeResendIntervalSeconds: int(0, 3600).default(30),
        })
        .prefault({}),
    })
    .prefault({}),
  runner: z
    .strictObject({
      /** Bounds and default of the Délai option (seconds each unit job listens). */
      delaiMinSeconds: int(1, 3600).default(10),
      delaiMaxSeconds: int(10, 24 * 3600).default(900),
      delaiDefaultSeconds: int(1, 24 * 3600).default(60),
      /** IMAP reopen test: how long after the client selected a folder other than INBOX the platform closes the session. */
      reopenImapDelaySeconds: int(0, 600).default(5),
      /** Message du jour on the runner's dashboard; a helpful line from the message catalogue when not set. */
      messageOfTheDay: z.string().trim().min(1).max(2000).optional(),
    })
    .prefault({}),
  // Product accounts: when the provisioning batch creates mailboxes and certificates (manual §2.2.2).
  accounts: z
    .strictObject({
      /** immediate: right after each creation or modification (local use); nightly: once a night, as MOTCO2 does. */
      provisioning: z.enum(['immediate', 'nightly']).default('immediate'),
      /** Local time of the nightly batch, HH:MM. */
      nightlyAt: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'heure attendue au format HH:MM (00:00 à 23:59)' })
        .default('02:00'),
    })
    .prefault({}),
  database: z
    .strictObject({
      /** postgres://user:password@host:port/database — empty: SQLite under the data folder. */
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//, { message: 'URL PostgreSQL attendue (postgres://…)' })
        .optional(),
      /** Connections the platform keeps open to PostgreSQL. */
      poolSize: int(1, 200).default(10),
    })
    .prefault({}),
  web: z
    .strictObject({
      /** Addresses (or CIDRs) of reverse proxies whose X-Forwarded-For is believed; empty: none. */
      trustProxy: list(z.string().min(1)).default([]),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    })
    .prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ConfigValues = z.output<typeof configSchema>;
