import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, envNameToPath, loadConfig } from '../../src/config/config.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'motco-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('configuration', () => {
  it('has local all-in-one defaults with every port derived from the base', () => {
    const config = loadConfig({ env: {}, cwd: dir });
    expect(config.portBase).toBe(10000);
    expect(config.ports).toEqual({ web: 10080, dns: 10053, webTls: 10443 });
    expect(config.endpoints.map((e) => [e.id, e.imapPort, e.smtpPort, e.certificate])).toEqual([
      ['org', 10143, 10587, 'valid'],
      ['psc', 10144, 10588, 'valid'],
      ['org-nonigc', 10145, 10589, 'non-igc'],
      ['psc-nonigc', 10146, 10590, 'non-igc'],
      ['org-expire', 10147, 10591, 'expired'],
      ['psc-expire', 10148, 10592, 'expired'],
      ['org-revoq', 10149, 10593, 'revoked'],
      ['psc-revoq', 10150, 10594, 'revoked'],
    ]);
    expect(config.endpoints[0]!.host).toBe('mail-org-tests-editeur.motco.localhost');
    expect(config.mailDomain).toBe('mail-tests-editeur.motco.localhost');
    expect(config.patientDomain).toBe('patient.mail-tests-editeur.motco.localhost');
    expect(config.publicUrl).toBe('http://127.0.0.1:10080');
    // The manual's shared password is no default: each mailbox has its own.
    expect(config.webmailPassword).toBeUndefined();
    expect(loadConfig({ env: { MOTCO_WEBMAIL_PASSWORD: 'ODTMotco2' }, cwd: dir }).webmailPassword).toBe('ODTMotco2');
    expect(config.endpoints.filter((e) => e.requestClientCertificate).map((e) => e.id)).toEqual([
      'org',
      'org-nonigc',
      'org-expire',
      'org-revoq',
    ]);
  });

  it('gives clients a loopback publicUrl, not the wildcard, when listening on every address', () => {
    const v4 = loadConfig({ env: { MOTCO_LISTEN_ADDRESS: '0.0.0.0' }, cwd: dir });
    expect(v4.publicUrl).toBe('http://127.0.0.1:10080');
    expect(v4.autoconfig.url).toBe(v4.publicUrl);
    const v6 = loadConfig({ env: { MOTCO_LISTEN_ADDRESS: '::' }, cwd: dir });
    expect(v6.publicUrl).toBe('http://[::1]:10080');
    expect(v6.autoconfig.url).toBe(v6.publicUrl);
    expect(loadConfig({ env: { MOTCO_LISTEN_ADDRESS: '192.0.2.7' }, cwd: dir }).publicUrl).toBe(
      'http://192.0.2.7:10080',
    );
  });

  it('moves every port with MOTCO_PORT_BASE so that two instances can run side by side', () => {
    const a = loadConfig({ env: {}, cwd: dir });
    const b = loadConfig({ env: { MOTCO_PORT_BASE: '11000' }, cwd: dir });
    const portsOf = (c: typeof a) => [
      ...Object.values(c.ports),
      ...c.endpoints.flatMap((e) => [e.imapPort, e.smtpPort]),
    ];
    expect(portsOf(b).every((p) => !portsOf(a).includes(p))).toBe(true);
    expect(b.endpoints[0]!.smtpPort).toBe(11587);
  });

  it('layers file, environment and flags, in that order', () => {
    const file = path.join(dir, 'c.json');
    writeFileSync(
      file,
      JSON.stringify({
        baseDomain: 'example.test',
        smtp: { maxRecipients: 7 },
        endpoints: { org: { host: 'mx.example.test' } },
      }),
    );
    const config = loadConfig({
      env: { MOTCO_CONFIG: file, MOTCO_SMTP__MAX_RECIPIENTS: '9', MOTCO_ENDPOINTS__PSC_NONIGC__SMTP_PORT: '2525' },
      cwd: dir,
      overrides: { dataDir: 'x' },
    });
    expect(config.mailDomain).toBe('mail-tests-editeur.example.test');
    expect(config.smtp.maxRecipients).toBe(9);
    expect(config.endpoints.find((e) => e.id === 'org')!.host).toBe('mx.example.test');
    expect(config.endpoints.find((e) => e.id === 'psc-nonigc')!.smtpPort).toBe(2525);
    expect(config.dataDir).toBe(path.join(dir, 'x'));
  });

  it('maps environment variable names to setting paths', () => {
    expect(envNameToPath('MOTCO_SMTP__MAX_MESSAGE_BYTES')).toEqual(['smtp', 'maxMessageBytes']);
    expect(envNameToPath('MOTCO_ENDPOINTS__ORG_REVOQ__HOST')).toEqual(['endpoints', 'org-revoq', 'host']);
    expect(envNameToPath('MOTCO_SMTP')).toBeUndefined();
    expect(envNameToPath('MOTCO_NOPE')).toBeUndefined();
  });

  it.each([
    [{ MOTCO_PORT_BASE: 'abc' }, 'portBase', 'MOTCO_PORT_BASE'],
    [{ MOTCO_SMTP__MAX_MESSAGE_BYTES: '10' }, 'smtp.maxMessageBytes', 'MOTCO_SMTP__MAX_MESSAGE_BYTES'],
    [{ MOTCO_LISTEN_ADDRESS: 'localhost' }, 'listenAddress', 'MOTCO_LISTEN_ADDRESS'],
    [{ MOTCO_SMTP__MAX_RECIPENTS: '3' }, 'MOTCO_SMTP__MAX_RECIPENTS', 'MOTCO_SMTP__MAX_RECIPENTS'],
    [{ MOTCO_ENDPOINTS__PSC__IMAP_PORT: '10143' }, 'endpoints.psc.imapPort', ''],
  ])('stops with a message naming the invalid setting (%o)', (env, setting, source) => {
    let error: unknown;
    try {
      loadConfig({ env, cwd: dir });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`« ${setting} »`);
    expect((error as Error).message).toContain(source);
  });

  it('reports an unknown key in the file with its path', () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ smtp: { maxRecipent: 3 } }));
    expect(() => loadConfig({ env: {}, file, cwd: dir })).toThrow(/« smtp\.maxRecipent »/);
  });
});
