// The typed configuration: what can be set, its defaults and its bounds.
// Derived values (ports, host names, URLs) are computed in resolve.ts, not stored here.
import { isIP } from 'node:net';
import { z } from 'zod';

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
  /** Base URL under which clients reach the web server (CRL, OCSP, later the pages). */
  publicUrl: z.url().optional(),
  /** Webmail password of every test mailbox (manual §1.4). */
  webmailPassword: z.string().min(1).default('ODTMotco2'),
  endpoints: z.partialRecord(z.enum(ENDPOINT_IDS), endpointOverride).default({}),
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
  tls: z
    .strictObject({
      /** ECDHE groups offered; all at least 256 bits as CONF.03 requires. */
      ecdhCurves: z.string().min(1).default('P-256:P-384:P-521'),
      handshakeTimeoutSeconds: int(1, 600).default(30),
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
  log: z
    .strictObject({
      level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    })
    .prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ConfigValues = z.output<typeof configSchema>;
