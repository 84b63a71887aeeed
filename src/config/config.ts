// Loads the configuration (defaults ◂ file ◂ environment ◂ command line), validates it and derives
// everything else from it: ports from one base, host names from one domain, URLs from the web port.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { t } from '../i18n/messages.ts';
import { configSchema, ENDPOINT_IDS, type ConfigValues, type EndpointId } from './schema.ts';

z.config(z.locales.fr());

export type CertificateKind = 'valid' | 'non-igc' | 'expired' | 'revoked';
export type BalType = 'AUTH_CLI' | 'PSC';

export interface EndpointConfig {
  id: EndpointId;
  /** Position in the endpoint table; also the port offset. */
  index: number;
  /** Which mailbox type the endpoint is meant for: org* → applicative (AUTH_CLI), psc* → personal (PSC). */
  balType: BalType;
  certificate: CertificateKind;
  host: string;
  /** Address the endpoint listens on and advertises (on a wildcard, `autoconfig.address` is advertised). */
  address: string;
  imapPort: number;
  smtpPort: number;
  requestClientCertificate: boolean;
  certFile?: string;
  keyFile?: string;
}

export interface Config extends Omit<ConfigValues, 'endpoints' | 'mailDomain' | 'publicUrl' | 'webTls' | 'autoconfig'> {
  dataDir: string;
  mailDomain: string;
  patientDomain: string;
  publicUrl: string;
  ports: { web: number; dns: number; webTls: number };
  hosts: { web: string; autoconfig: string };
  endpoints: EndpointConfig[];
  /** Operator-supplied certificate of the HTTPS listener (absolute paths), if any. */
  webTls: { certFile?: string; keyFile?: string };
  /** url: base URL of the autoconfig host; address: where clients reach the web and DNS servers. */
  autoconfig: { url: string; address: string };
}

/** Offsets from the port base, chosen so that the last digits read like the standard ports. */
export const PORT_OFFSETS = { dns: 53, web: 80, imap: 143, webTls: 443, smtp: 587 } as const;

export class ConfigError extends Error {
  constructor(readonly problems: { setting: string; source: string; message: string }[]) {
    super(problems.map((p) => t('config.invalid', p)).join('\n'));
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /** Environment to read MOTCO_* variables from (process.env by default). */
  env?: NodeJS.ProcessEnv;
  /** Configuration file; default: $MOTCO_CONFIG, else ./motco.config.json when it exists. */
  file?: string;
  /** Highest-priority values, e.g. from command-line flags. */
  overrides?: Record<string, unknown>;
  /** Directory relative paths are resolved against (cwd by default). */
  cwd?: string;
}

/** Environment variables that are not settings. */
const NON_SETTING_VARIABLES = new Set(['MOTCO_CONFIG']);

export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const sources = new Map<string, string>();
  const problems: ConstructorParameters<typeof ConfigError>[0] = [];

  let raw: Record<string, unknown> = {};
  const file =
    options.file ??
    env.MOTCO_CONFIG ??
    (existsSync(path.join(cwd, 'motco.config.json')) ? 'motco.config.json' : undefined);
  if (file) {
    const filePath = path.resolve(cwd, file);
    try {
      raw = JSON.parse(readFileSync(filePath, 'utf8')) as Record<string, unknown>;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(t('config.fileNotObject'));
    } catch (error) {
      throw new ConfigError([{ setting: 'MOTCO_CONFIG', source: filePath, message: (error as Error).message }]);
    }
    for (const leaf of leafPaths(raw)) sources.set(leaf, filePath);
  }

  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('MOTCO_') || NON_SETTING_VARIABLES.has(name) || value === undefined) continue;
    const settingPath = envNameToPath(name);
    if (!settingPath) {
      problems.push({ setting: name, source: t('config.sourceEnv', { name }), message: t('config.unknownVariable') });
      continue;
    }
    setPath(raw, settingPath, value);
    sources.set(settingPath.join('.'), t('config.sourceEnv', { name }));
  }

  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    setPath(raw, key.split('.'), value);
    sources.set(key, t('config.sourceFlag'));
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const keys =
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((k) => [...issue.path, k].join('.'))
          : [issue.path.join('.')];
      for (const setting of keys) {
        problems.push({ setting, source: sourceOf(sources, setting), message: issue.message });
      }
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return resolve(parsed.data, cwd);
}

function resolve(values: ConfigValues, cwd: string): Config {
  const base = values.portBase;
  const ports = { web: base + PORT_OFFSETS.web, dns: base + PORT_OFFSETS.dns, webTls: base + PORT_OFFSETS.webTls };
  const mailDomain = values.mailDomain ?? `mail-tests-editeur.${values.baseDomain}`;
  const endpoints = ENDPOINT_IDS.map((id, index): EndpointConfig => {
    const o = values.endpoints[id] ?? {};
    const balType: BalType = id.startsWith('org') ? 'AUTH_CLI' : 'PSC';
    const endpoint: EndpointConfig = {
      id,
      index,
      balType,
      certificate: certificateKindOf(id),
      host: o.host ?? `mail-${id}-tests-editeur.${values.baseDomain}`,
      address: o.address ?? values.listenAddress,
      imapPort: o.imapPort ?? base + PORT_OFFSETS.imap + index,
      smtpPort: o.smtpPort ?? base + PORT_OFFSETS.smtp + index,
      requestClientCertificate: o.requestClientCertificate ?? balType === 'AUTH_CLI',
    };
    if (o.certFile) endpoint.certFile = path.resolve(cwd, o.certFile);
    if (o.keyFile) endpoint.keyFile = path.resolve(cwd, o.keyFile);
    return endpoint;
  });
  checkPortClashes(endpoints, ports, values.listenAddress);
  const { endpoints: _overrides, mailDomain: _m, publicUrl: publicUrlSetting, webTls, autoconfig, ...rest } = values;
  // A URL for clients: a wildcard listen address is reached at loopback.
  const publicUrl = (
    publicUrlSetting ?? `http://${urlHost(reachableAddress(values.listenAddress))}:${ports.web}`
  ).replace(/\/+$/, '');
  return {
    ...rest,
    dataDir: path.resolve(cwd, values.dataDir),
    mailDomain,
    patientDomain: `patient.${mailDomain}`,
    publicUrl,
    ports,
    hosts: { web: `tests-editeur.${values.baseDomain}`, autoconfig: `autoconfig.${mailDomain}` },
    endpoints,
    webTls: {
      ...(webTls.certFile ? { certFile: path.resolve(cwd, webTls.certFile) } : {}),
      ...(webTls.keyFile ? { keyFile: path.resolve(cwd, webTls.keyFile) } : {}),
    },
    autoconfig: {
      url: (autoconfig.url ?? publicUrl).replace(/\/+$/, ''),
      address: autoconfig.address ?? reachableAddress(values.listenAddress),
    },
  };
}

function certificateKindOf(id: EndpointId): CertificateKind {
  if (id.endsWith('-nonigc')) return 'non-igc';
  if (id.endsWith('-expire')) return 'expired';
  if (id.endsWith('-revoq')) return 'revoked';
  return 'valid';
}

function checkPortClashes(endpoints: EndpointConfig[], ports: Config['ports'], listenAddress: string): void {
  const seen = new Map<string, string>();
  const claim = (address: string, port: number, owner: string) => {
    const key = `${address}:${port}`;
    const previous = seen.get(key);
    if (previous)
      throw new ConfigError([
        { setting: owner, source: '', message: t('config.portClash', { port, other: previous }) },
      ]);
    seen.set(key, owner);
  };
  for (const [name, port] of Object.entries(ports)) claim(listenAddress, port, `ports.${name}`);
  for (const e of endpoints) {
    claim(e.address, e.imapPort, `endpoints.${e.id}.imapPort`);
    claim(e.address, e.smtpPort, `endpoints.${e.id}.smtpPort`);
  }
}

export function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** The address a client on this machine uses to reach a listener bound to `address`: loopback for a wildcard. */
export function reachableAddress(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '::1';
  return address;
}

/**
 * MOTCO_SMTP__MAX_MESSAGE_BYTES → ['smtp', 'maxMessageBytes'];
 * MOTCO_ENDPOINTS__ORG_NONIGC__HOST → ['endpoints', 'org-nonigc', 'host'].
 */
export function envNameToPath(name: string): string[] | undefined {
  const segments = name.slice('MOTCO_'.length).split('__');
  if (segments.some((s) => s === '')) return undefined;
  const result: string[] = [];
  for (const segment of segments) {
    const lower = segment.toLowerCase();
    result.push(
      result.at(-1) === 'endpoints'
        ? lower.replaceAll('_', '-')
        : lower.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
    );
  }
  return knownPath(result) ? result : undefined;
}

/** The inverse of envNameToPath: ['smtp', 'maxMessageBytes'] → MOTCO_SMTP__MAX_MESSAGE_BYTES (for the reference). */
export function envNameOf(settingPath: readonly string[]): string {
  const segments = settingPath.map((key) =>
    key
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replaceAll('-', '_')
      .toUpperCase(),
  );
  return `MOTCO_${segments.join('__')}`;
}

/** Whether a path names a setting of the schema (so that a typo in a variable name is reported, not ignored). */
function knownPath(keys: string[]): boolean {
  let schema: unknown = configSchema;
  for (const key of keys) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) {
      schema = (schema.shape as Record<string, unknown>)[key];
      if (!schema) return false;
    } else if (schema instanceof z.ZodRecord) {
      if (!(ENDPOINT_IDS as readonly string[]).includes(key)) return false;
      schema = schema.valueType;
    } else {
      return false;
    }
  }
  return !(unwrap(schema) instanceof z.ZodObject);
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional) {
      current = current.unwrap();
    } else if (current instanceof z.ZodPipe) {
      current = current.out;
    } else {
      return current;
    }
  }
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

function leafPaths(value: unknown, prefix: string[] = []): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix.join('.')];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

function sourceOf(sources: Map<string, string>, setting: string): string {
  for (let s = setting; s; s = s.slice(0, Math.max(0, s.lastIndexOf('.')))) {
    const found = sources.get(s);
    if (found) return found;
    if (!s.includes('.')) break;
  }
  return t('config.sourceDefault');
}
