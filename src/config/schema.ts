// The typed configuration: what can be set, its defaults and its bounds.
// Derived values (ports, host names, URLs) are computed in resolve.ts, not stored here.
// Every setting and group says what it is for with .describe(): docs/reference/configuration.md is generated
// from it (npm run docs), so a new setting needs one.
import { isIP } from 'node:net';
import { z } from 'zod';
import { isTimeZone } from '../i18n/time.ts';
import { isAddressOrRange } from '../net/proxy-protocol.ts';

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
  host: hostname.optional().describe('Host name of the endpoint; default `mail-<id>-tests-editeur.<baseDomain>`.'),
  address: ipAddress.optional().describe('IP address the endpoint listens on and advertises; default `listenAddress`.'),
  imapPort: port.optional().describe('IMAP (STARTTLS) port; default `portBase` + 143 + the endpoint’s position.'),
  smtpPort: port
    .optional()
    .describe('SMTP submission (STARTTLS) port; default `portBase` + 587 + the endpoint’s position.'),
  certFile: z
    .string()
    .min(1)
    .optional()
    .describe('PEM file of a certificate chain to present instead of the generated test certificate (with `keyFile`).'),
  keyFile: z.string().min(1).optional().describe('PEM file of the key of `certFile`.'),
  requestClientCertificate: bool
    .optional()
    .describe(
      'Ask for a client certificate (ORG_AUTH_CLI) during the TLS handshake; ' +
        'default true for the `org*` endpoints, false for `psc*`.',
    ),
});
export type EndpointOverride = z.infer<typeof endpointOverride>;

/** An SMTP relay the platform sends its own mail through (outgoingMail, isc.smtp). */
const smtpRelay = z.strictObject({
  host: hostname.or(ipAddress).describe('Host name or IP address of the relay.'),
  port: port.default(587).describe('Its submission port.'),
  from: z.email().describe('Sender address of the platform’s mail.'),
  requireTls: bool
    .default(true)
    .describe('STARTTLS is required unless this is false (a local relay on loopback, say).'),
  caFile: z
    .string()
    .min(1)
    .optional()
    .describe('PEM file of the CA that signs the relay’s certificate; default the system trust store.'),
  user: z.string().min(1).optional().describe('Login at the relay, when it wants one.'),
  password: z.string().min(1).optional().describe('Password at the relay.'),
});

export const configSchema = z.strictObject({
  dataDir: z
    .string()
    .min(1)
    .default('data')
    .describe(
      'Folder holding the database, the test PKI, the admin token and everything else the platform keeps (made ' +
        '0700, its files 0600).',
    ),
  portBase: int(1, 65535 - 600)
    .default(10000)
    .describe(
      'Every listener port derives from it: web +80, DNS +53, HTTPS +443, IMAP of endpoint *i* +143+*i*, ' +
        'SMTP +587+*i* (0 = `org` … 7 = `psc-revoq`). Two instances run side by side with bases 600 or more apart.',
    ),
  listenAddress: ipAddress
    .default('127.0.0.1')
    .describe('IP address the listeners bind to, unless an endpoint sets its own.'),
  baseDomain: hostname
    .default('motco.localhost')
    .describe(
      'Host names derive from it: `mail-<endpoint id>-tests-editeur.<baseDomain>` for the endpoints, ' +
        '`tests-editeur.<baseDomain>` for the web site.',
    ),
  mailDomain: hostname
    .optional()
    .describe(
      'Domain of the test mailboxes; default `mail-tests-editeur.<baseDomain>`. ' +
        'Test patients use `patient.<mailDomain>`.',
    ),
  publicUrl: z
    .url()
    .optional()
    .describe(
      'Base URL clients reach the web server at: pages, API, the CRL and OCSP URLs written into certificates, ' +
        'the simulated identity providers’ issuers. Default `http://<listenAddress>:<web port>` (loopback for a ' +
        'wildcard address).',
    ),
  timeZone: z
    .string()
    .refine(isTimeZone, { message: 'fuseau horaire IANA attendu (par exemple Europe/Paris)' })
    .default('Europe/Paris')
    .describe(
      'IANA time zone of every time users read: pages, the runner’s log, exports, the webmail, ' +
        'command output and the operator log.',
    ),
  workers: int(1, 256)
    .optional()
    .describe(
      'Processes `motco start` serves on (IMAP, SMTP, the web, DNS): each connection goes to one of them, ' +
        'and what one sees reaches the others (IDLE, live pages, running executions). Default: ' +
        'the number of CPUs (`os.availableParallelism()`); 1 runs everything in one process.',
    ),
  webmailPassword: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The manual’s shared password of every test mailbox (« ODTMotco2 »), accepted with PLAIN/LOGIN besides each ' +
        'mailbox’s own password, and the webmail’s password form. Unset by default: ' +
        'on a shared instance it opens every vendor’s mailboxes (IdNat numbers are public); ' +
        'start-up warns when it is set and two organisations or more exist.',
    ),
  endpoints: z
    .partialRecord(z.enum(ENDPOINT_IDS), endpointOverride)
    .default({})
    .describe(
      'Per-endpoint overrides for a deployment: real host names, addresses, ports 143/587, ' +
        'operator-supplied certificates.',
    ),
  webTls: z
    .strictObject({
      certFile: z.string().min(1).optional().describe('PEM file of the HTTPS listener’s certificate chain.'),
      keyFile: z.string().min(1).optional().describe('PEM file of its key.'),
    })
    .prefault({})
    .describe(
      'An operator-supplied certificate for the HTTPS listener (the autoconfig host) ' +
        'instead of the generated one, issued by the non-IGC test CA.',
    ),
  autoconfig: z
    .strictObject({
      url: z
        .url()
        .optional()
        .describe(
          'Base URL of the autoconfig host as vendors are told it (deployment: ' +
            '`https://autoconfig.<mailDomain>`); default `publicUrl`.',
        ),
      address: ipAddress
        .optional()
        .describe(
          'IP address clients reach the web and DNS servers at, answered in DNS for the web, ' +
            'autoconfig and name-server names (and for endpoints listening on a wildcard address); ' +
            'default `listenAddress`, loopback when that is a wildcard.',
        ),
    })
    .prefault({})
    .describe('How vendors’ clients find the autoconfiguration host and the DNS server.'),
  smtp: z
    .strictObject({
      maxMessageBytes: int(1024, 1024 * 1024 * 1024)
        .default(25 * 1024 * 1024)
        .describe(
          'Largest message accepted (SIZE), declared or not: `552 5.3.4`, the session stays usable. ' +
            'The webmail obeys it too.',
        ),
      maxRecipients: int(1, 10_000).default(100).describe('Recipients per message; more get `452 4.5.3`.'),
      maxCommandLineBytes: int(512, 1024 * 1024)
        .default(4096)
        .describe('Longest command line accepted (RFC 5321 asks at least 512); longer get `500 5.5.6`.'),
      maxDataLineBytes: int(1000, 16 * 1024 * 1024)
        .default(1024 * 1024)
        .describe('Longest line inside DATA (RFC 5321 says 1000; longer lines are recorded as such).'),
      preAuthTimeoutSeconds: int(1, 3600)
        .default(60)
        .describe(
          'Idle time allowed before authentication (short: an unauthenticated peer holds few resources); ' +
            'then `421 4.4.2`.',
        ),
      idleTimeoutSeconds: int(1, 7200)
        .default(300)
        .describe('Idle time allowed once authenticated (RFC 5321 §4.5.3.2 suggests 5 minutes).'),
      maxBadCommands: int(1, 1000)
        .default(20)
        .describe('Unrecognised or malformed commands tolerated before the session is closed with `421`.'),
    })
    .prefault({})
    .describe('Limits of the SMTP submission endpoints.'),
  imap: z
    .strictObject({
      maxLineBytes: int(1024, 16 * 1024 * 1024)
        .default(64 * 1024)
        .describe(
          'Longest command line, literals excluded (Dovecot’s `imap_max_line_length` is 64 KiB too); ' +
            'longer get `* BAD [TOOBIG]`.',
        ),
      maxLiteralBytes: int(1024, 1024 * 1024 * 1024)
        .default(25 * 1024 * 1024)
        .describe(
          'Largest literals of one command once authenticated (APPEND); before authentication `maxLineBytes` ' +
            'applies. Larger get `NO [TOOBIG]`.',
        ),
      maxCommandBytes: int(1024, 1024 * 1024 * 1024)
        .default(256 * 1024)
        .describe(
          'One command as a whole: its lines and literals before authentication, ' +
            'its lines once authenticated (literals: `maxLiteralBytes`); larger get `BAD [TOOBIG]`.',
        ),
      maxLiterals: int(1, 100_000)
        .default(100)
        .describe('Literals in one command (a flood of lines ending `{0+}` is cut here).'),
      maxNestingDepth: int(1, 256)
        .default(32)
        .describe(
          'Parentheses, `[sections]` and search criteria (NOT, OR, lists) nested in one command; deeper is `BAD`.',
        ),
      preAuthTimeoutSeconds: int(1, 3600)
        .default(60)
        .describe(
          'Idle time allowed before authentication (short: an unauthenticated peer holds few resources); then `* BYE`.',
        ),
      idleTimeoutSeconds: int(30 * 60, 24 * 3600)
        .default(30 * 60)
        .describe('Idle time allowed once authenticated: RFC 3501 §5.4 asks for at least 30 minutes.'),
      maxBadCommands: int(1, 1000).default(20).describe('Malformed or unknown commands tolerated before `* BYE`.'),
      changePollSeconds: int(1, 3600)
        .default(30)
        .describe(
          'How often an idling session looks for changes made by another process (CLI, another instance) ' +
            'to its selected folder; NOOP and CHECK look at once. Dovecot’s `mailbox_idle_check_interval` is 30 s ' +
            'too.',
        ),
    })
    .prefault({})
    .describe('Limits of the IMAP endpoints.'),
  tls: z
    .strictObject({
      ecdhCurves: z
        .string()
        .min(1)
        .default('P-256:P-384:P-521')
        .describe('ECDHE groups accepted, colon-separated; all at least 256 bits as MSS-CONF.03 requires.'),
      handshakeTimeoutSeconds: int(1, 600)
        .default(30)
        .describe('Time allowed for the ClientHello and the handshake after STARTTLS.'),
    })
    .prefault({})
    .describe(
      'TLS of the mail endpoints. The versions and the six TLS 1.2 suites are the Référentiel’s and not settings ' +
        '(`src/mail/tls/policy.ts`).',
    ),
  limits: z
    .strictObject({
      maxConnectionsPerAddress: int(1, 1_000_000)
        .default(500)
        .describe(
          'Connections one client address may hold on one endpoint, IMAP and SMTP together (IPv6: per /64); ' +
            'more get `421 4.7.0` / `* BYE` and a `session.refused` observation.',
        ),
      maxConnectionsPerAddressTotal: int(1, 1_000_000)
        .default(1000)
        .describe('Connections one client address may hold on all endpoints together.'),
      maxConnectionsTotal: int(1, 1_000_000)
        .default(5000)
        .describe('Connections on all endpoints together, whoever holds them.'),
      preAuthDeadlineSeconds: int(1, 3600)
        .default(120)
        .describe('Time from connection to authentication, however busy the client keeps the session meanwhile.'),
      commandDeadlineSeconds: int(1, 24 * 3600)
        .default(600)
        .describe('Time from the first byte of a command to its end (literals, SASL exchange and DATA included).'),
    })
    .prefault({})
    .describe('What one client can hold on the mail endpoints, IMAP and SMTP alike; each refusal is journaled.'),
  mailbox: z
    .strictObject({
      quotaMessages: int(1, 100_000_000)
        .default(10_000)
        .describe('Messages a mailbox may hold, all folders together (IMAP `NO [OVERQUOTA]`, SMTP `552 5.2.2`).'),
      quotaBytes: int(1024 * 1024, 2 ** 50)
        .default(1024 * 1024 * 1024)
        .describe('Bytes of messages a mailbox may hold, all folders together.'),
      maxKeywordsPerMessage: int(1, 1000)
        .default(32)
        .describe('Keywords (flags that are not system flags) on one message (`NO [LIMIT]`).'),
      maxKeywordsPerFolder: int(1, 10_000)
        .default(256)
        .describe('Distinct keywords in one folder: the FLAGS list a SELECT sends (`NO [LIMIT]`).'),
      maxKeywordBytes: int(16, 4096).default(128).describe('Length of one keyword (`NO [LIMIT]`).'),
    })
    .prefault({})
    .describe('What one client can grow in a test mailbox, through IMAP, SMTP or the webmail.'),
  pki: z
    .strictObject({
      keyBits: int(2048, 8192).default(2048).describe('RSA size of generated keys.'),
      serverValidityDays: int(2, 825).default(397).describe('Lifetime of the valid endpoints’ certificates.'),
      clientValidityDays: int(1, 3 * 365)
        .default(365)
        .describe('Lifetime of ORG_AUTH_CLI client certificates.'),
      evidenceValidityDays: int(30, 10 * 365)
        .default(3 * 365)
        .describe(
          'Lifetime of the evidence-signing certificate (issued by the evidence root `motco-evidence-root.pem`), ' +
            'renewed like the endpoints’ leaves; a dossier verifies with `openssl cms -verify` while it is valid, ' +
            'and with `motco dossier verify` (at the signing time) after.',
        ),
      renewBeforeDays: int(1, 365)
        .default(30)
        .describe('A valid leaf whose remaining life is shorter than this is re-issued at start-up (keeping its key).'),
      crlValidityDays: int(1, 365).default(7).describe('Lifetime of CRLs and OCSP answers (re-signed halfway).'),
    })
    .prefault({})
    .describe('The generated test PKI, under `<dataDir>/pki/`.'),
  psc: z
    .strictObject({
      mode: z
        .enum(['simulated', 'external'])
        .default('simulated')
        .describe('`simulated`: the embedded PSC sandbox; `external`: a real PSC (`issuer` required).'),
      issuer: z
        .url()
        .optional()
        .describe(
          'Issuer access tokens must come from; default (simulated) `<publicUrl>/psc/auth/realms/esante-wallet`. ' +
            'Required when external.',
        ),
      discoveryUrl: z
        .url()
        .optional()
        .describe(
          'Discovery document; default `<issuer>/.well-known/openid-configuration` (PSC BAS: ' +
            '`…/wallet-openid-configuration`).',
        ),
      clientId: z
        .string()
        .min(1)
        .default('motco-lps')
        .describe(
          'The platform’s client at PSC (token helper, introspection); in simulated mode, ' +
            'also the client vendors’ LPS use.',
        ),
      clientSecret: z
        .string()
        .min(1)
        .default('motco-lps-secret')
        .describe('Secret of that client (`client_secret_basic`).'),
      redirectUris: list(z.url())
        .default(['http://127.0.0.1/callback', 'http://localhost/callback'])
        .describe(
          'Redirect URIs of that client for the authorization code flow (simulated mode; ' +
            'loopback URIs accept any port, RFC 8252).',
        ),
      accessTokenTtlSeconds: int(10, 86_400).default(120).describe('Lifetime of the simulator’s access tokens.'),
      refreshTokenTtlSeconds: int(10, 30 * 86_400)
        .default(1800)
        .describe('Lifetime of the simulator’s refresh tokens (rotated at each use).'),
      cibaAutoApprove: bool
        .default(false)
        .describe(
          'Approve every CIBA request at once, as if the e-CPS holder had accepted, ' +
            'whoever’s identity it names (automation, tests; never on a shared instance).',
        ),
      clockSkewSeconds: int(0, 600)
        .default(30)
        .describe('Tolerance on `exp`/`nbf` when the mail endpoints verify an access token.'),
      acceptedAcr: list(z.string().min(1))
        .default(['eidas1'])
        .describe('`acr` values an access token must carry to open a mailbox.'),
      revocationCheck: bool
        .default(true)
        .describe(
          'External PSC: introspect each access token before it opens a mailbox, so that a revoked grant stops it ' +
            '(the simulator is asked its store instead).',
        ),
      introspectionCacheSeconds: int(0, 300)
        .default(10)
        .describe(
          'External PSC: how long an introspection answer is reused (a revoked token opens mailboxes at most this ' +
            'long; 0: every time).',
        ),
    })
    .prefault({})
    .describe('Pro Santé Connect: the embedded sandbox simulator, or the real PSC (BAS) by configuration.'),
  isc: z
    .strictObject({
      mode: z
        .enum(['simulated', 'external'])
        .default('simulated')
        .describe('`simulated`: the embedded ISC; `external`: the real ISC (`issuer` required).'),
      issuer: z
        .url()
        .optional()
        .describe('The ISC issuer; default (simulated) `<publicUrl>/isc/auth/realms/isc`. Required when external.'),
      discoveryUrl: z
        .url()
        .optional()
        .describe('Discovery document; default `<issuer>/.well-known/openid-configuration`.'),
      clientId: z.string().min(1).default('motco-comptes').describe('The account site’s client at ISC.'),
      clientSecret: z
        .string()
        .min(1)
        .optional()
        .describe('Its secret; in simulated mode generated and kept in the store when not set.'),
      redirectUris: list(z.url())
        .default([])
        .describe(
          'Where ISC may send the account site’s users back after login, besides `<publicUrl>/connexion/retour` ' +
            '(always registered with the simulator).',
        ),
      postLogoutRedirectUris: list(z.url())
        .default([])
        .describe('Where ISC may send them back after logout, besides `<publicUrl>/`.'),
      codeTtlSeconds: int(1, 3600).default(300).describe('Life of the e-mailed login code (manual §2.2.1: 5 minutes).'),
      adminPassword: z
        .string()
        .min(8)
        .optional()
        .describe(
          'Password of the simulator’s admin page `/isc/admin` (user `admin`); when not set, ' +
            'generated at first start, printed once in the log and again by `motco isc admin-password`.',
        ),
      smtp: smtpRelay
        .optional()
        .describe(
          'A relay for the login-code e-mails only, instead of `outgoingMail`; without either they land in the ' +
            'development outbox page (`/isc/dev/boite-d-envoi`) and the log. Set one on any shared deployment.',
        ),
      throttle: z
        .strictObject({
          windowSeconds: int(1, 24 * 3600)
            .default(900)
            .describe('Length of the window the first failure opens.'),
          maxFailuresPerLogin: int(1, 1000)
            .default(5)
            .describe(
              'Failed passwords and codes allowed per login in the window; past it every attempt, ' +
                'the right one included, gets `429` until the window ends.',
            ),
          maxFailuresPerAddress: int(1, 100_000)
            .default(50)
            .describe('Failed passwords and codes allowed per client address in the window.'),
          maxCodeResends: int(0, 100).default(3).describe('New codes one login attempt may ask for after the first.'),
          codeResendIntervalSeconds: int(0, 3600).default(30).describe('Wait between two codes.'),
        })
        .prefault({})
        .describe(
          'Login throttling (password and code steps): failures counted per login and per client address in a ' +
            'window kept in the store.',
        ),
    })
    .prefault({})
    .describe('Industriels Santé Connect: vendor users’ login to the account site, simulated or real.'),
  outgoingMail: smtpRelay
    .optional()
    .describe(
      'The platform’s outgoing mail: the ISC login codes (unless `isc.smtp` is set) ' +
        'and the messages vendors send the agency from « Contacter l’agence ». Unset: ' +
        'codes go to the development outbox, and « Contacter l’agence » prepares a `mailto:` link the vendor’s own ' +
        'mail client sends.',
    ),
  agency: z
    .strictObject({
      email: z
        .email()
        .optional()
        .describe(
          'Where vendors’ messages to the agency go (manual §1.5: support requests, execution numbers, ' +
            'dossier references); the ANS’s MOTCO2 address is `monserviceclient.mssante@esante.gouv.fr`. Unset: ' +
            '« Contacter l’agence » shows the message to copy and no address.',
        ),
    })
    .prefault({})
    .describe('The agency that reviews the vendors’ executions and evidence dossiers.'),
  dossier: z
    .strictObject({
      maxExecutions: int(1, 1000).default(100).describe('Executions one evidence dossier may hold.'),
      maxBytes: int(1024 * 1024, 1024 * 1024 * 1024)
        .default(64 * 1024 * 1024)
        .describe(
          'Largest dossier, counted on its files once uncompressed: generation refuses a larger selection, ' +
            'and the agency’s upload and `motco dossier verify` refuse a larger archive.',
        ),
    })
    .prefault({})
    .describe('Evidence dossiers (« Générer le dossier de preuves »), signed by the evidence-signing certificate.'),
  runner: z
    .strictObject({
      delaiMinSeconds: int(1, 3600).default(10).describe('Smallest Délai option (seconds each unit job listens).'),
      delaiMaxSeconds: int(10, 24 * 3600)
        .default(900)
        .describe('Largest Délai option.'),
      delaiDefaultSeconds: int(1, 24 * 3600)
        .default(60)
        .describe('Délai when none is given.'),
      reopenImapDelaySeconds: int(0, 600)
        .default(5)
        .describe(
          'IMAP reopen test (MSS-CONF.11): how long after the client selected a folder other than INBOX the ' +
            'platform closes the session with `* BYE`.',
        ),
      messageOfTheDay: z
        .string()
        .trim()
        .min(1)
        .max(2000)
        .optional()
        .describe('Message du jour of the runner’s dashboard; a helpful line from the message catalogue when not set.'),
    })
    .prefault({})
    .describe('The test runner.'),
  journal: z
    .strictObject({
      retentionDays: int(0, 36500)
        .default(90)
        .describe(
          'Observations older than this many days that no execution’s evidence cites are deleted (at start, ' +
            'then every hour, in small batches); those an execution cites are kept for good. Submitted messages ' +
            'follow their `message` observation: one this old goes unless a cited observation names it. ' +
            '0 keeps every observation. The default keeps a quarter: enough for a vendor to read back a campaign’s ' +
            'sessions and for the agency’s review, while the journal of a shared instance stays bounded.',
        ),
    })
    .prefault({})
    .describe('The observation journal.'),
  accounts: z
    .strictObject({
      provisioning: z
        .enum(['immediate', 'nightly'])
        .default('immediate')
        .describe(
          '`immediate`: right after each creation or modification (local use); `nightly`: ' +
            'once a night at `nightlyAt`, as MOTCO2 does.',
        ),
      nightlyAt: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'heure attendue au format HH:MM (00:00 à 23:59)' })
        .default('02:00')
        .describe('Local time of the nightly batch, HH:MM.'),
    })
    .prefault({})
    .describe('Product accounts: when the provisioning batch creates mailboxes and certificates (manual §2.2.2).'),
  database: z
    .strictObject({
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//, { message: 'URL PostgreSQL attendue (postgres://…)' })
        .optional()
        .describe('`postgres://user:password@host:port/database`; unset: SQLite (`<dataDir>/motco.sqlite`).'),
      poolSize: int(1, 200).default(10).describe('Connections the platform keeps open to PostgreSQL.'),
    })
    .prefault({})
    .describe('SQLite under the data folder by default; PostgreSQL for a deployment.'),
  web: z
    .strictObject({
      trustProxy: list(z.string().min(1))
        .default([])
        .describe(
          'Addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed (the pre-filled Adresse IP, ' +
            'the pre-flight page, ISC throttling and the journal then see the client’s address); empty: none.',
        ),
    })
    .prefault({})
    .describe('The web server: pages, REST API, autoconfiguration, PKI.'),
  proxyProtocol: z
    .strictObject({
      imap: bool
        .default(false)
        .describe(
          'The IMAP endpoints expect a PROXY protocol header (v1 or v2) from `trustedSources`: ' +
            'the client address it carries is the session’s (journal, attribution, « Adresse IP », ' +
            'connection limits).',
        ),
      smtp: bool.default(false).describe('The same for the SMTP endpoints.'),
      web: bool
        .default(false)
        .describe(
          'The same for the web server (http and https ports): request addresses, the pre-flight page, ' +
            'autoconfiguration and PKI facts.',
        ),
      trustedSources: list(
        z
          .string()
          .refine(isAddressOrRange, { message: 'adresse IP ou plage CIDR attendue (10.0.0.5, 10.0.0.0/8, fd00::/8)' }),
      )
        .default([])
        .describe(
          'Addresses or CIDR ranges of the load balancers. A connection from one must start with a PROXY header, ' +
            'sent within 5 s and well-formed, or is closed and journaled (`session.refused`); ' +
            'a connection from any other source is served as a direct one with its own address, ' +
            'and a header it sends is not believed. Empty: every connection is direct.',
        ),
    })
    .prefault({})
    .describe(
      'The PROXY protocol (HAProxy’s, v1 text or v2 binary) from a TCP load balancer in front of the platform, ' +
        'per listener; see docs/operator-guide.md, “Behind a load balancer”.',
    ),
  log: z
    .strictObject({
      level: z.enum(['debug', 'info', 'warn', 'error']).default('info').describe('Lowest level written.'),
    })
    .prefault({})
    .describe('The operator log, on stderr.'),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ConfigValues = z.output<typeof configSchema>;
