// The autoconfiguration settings: where vendors are told the autoconfig host is, and which address the DNS
// gives for the platform's own names, with their local defaults and deployment overrides.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Packet } from 'dns2';
import { afterAll, describe, expect, it } from 'vitest';
import { advertisedServers, ANY_ADDRESS, endpointsFor } from '../../src/autoconfig/advertise.ts';
import { Zones } from '../../src/autoconfig/zone.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { endpointListing } from '../../src/mail/endpoints.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'motco-autoconfig-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('autoconfiguration settings', () => {
  it('defaults to the local web server and loopback', () => {
    const config = loadConfig({ env: {}, cwd: dir });
    expect(config.autoconfig).toEqual({ url: 'http://127.0.0.1:10080', address: '127.0.0.1' });
    expect(config.hosts.autoconfig).toBe('autoconfig.mail-tests-editeur.motco.localhost');
    expect(config.webTls).toEqual({});
    expect(endpointListing(config)).toMatchObject({
      dns: { address: '127.0.0.1', port: 10053 },
      autoconfig: 'http://127.0.0.1:10080',
    });
  });

  it('follows publicUrl, and advertises loopback when listening on a wildcard address', () => {
    const v4 = loadConfig({
      env: { MOTCO_LISTEN_ADDRESS: '0.0.0.0', MOTCO_PUBLIC_URL: 'https://tests-editeur.example.fr/' },
      cwd: dir,
    });
    expect(v4.autoconfig).toEqual({ url: 'https://tests-editeur.example.fr', address: '127.0.0.1' });
    expect(loadConfig({ env: { MOTCO_LISTEN_ADDRESS: '::' }, cwd: dir }).autoconfig).toEqual({
      url: 'http://[::1]:10080',
      address: '::1',
    });
  });

  it('takes a deployment’s autoconfig URL, address and HTTPS certificate files', () => {
    const config = loadConfig({
      env: {
        MOTCO_AUTOCONFIG__URL: 'https://autoconfig.mail.example.fr',
        MOTCO_AUTOCONFIG__ADDRESS: '192.0.2.5',
        MOTCO_WEB_TLS__CERT_FILE: 'tls/web.pem',
        MOTCO_WEB_TLS__KEY_FILE: 'tls/web.key',
      },
      cwd: dir,
    });
    expect(config.autoconfig).toEqual({ url: 'https://autoconfig.mail.example.fr', address: '192.0.2.5' });
    expect(config.webTls).toEqual({ certFile: path.join(dir, 'tls/web.pem'), keyFile: path.join(dir, 'tls/web.key') });
    expect(endpointListing(config)).toMatchObject({
      dns: { address: '192.0.2.5' },
      autoconfig: 'https://autoconfig.mail.example.fr',
    });
  });

  it('advertises the public address for endpoints listening on a wildcard, in DNS and in the file alike', () => {
    const config = loadConfig({
      env: {
        MOTCO_LISTEN_ADDRESS: '0.0.0.0',
        MOTCO_AUTOCONFIG__ADDRESS: '192.0.2.5',
        MOTCO_ENDPOINTS__PSC__ADDRESS: '192.0.2.11',
      },
      cwd: dir,
    });
    expect(dnsAddresses(config)).toEqual(
      Object.fromEntries(config.endpoints.map((e) => [e.host, [e.id === 'psc' ? '192.0.2.11' : '192.0.2.5']])),
    );
    expect(
      advertisedServers(config, endpointsFor(config, undefined), ANY_ADDRESS).map((s) => [
        s.endpoint,
        s.protocol,
        s.address,
      ]),
    ).toEqual([
      ['org', 'imap', '192.0.2.5'],
      ['psc', 'imap', '192.0.2.11'],
      ['org', 'smtp', '192.0.2.5'],
      ['psc', 'smtp', '192.0.2.11'],
    ]);
  });

  it(
    'keeps loopback for a wildcard endpoint without a public address, ' +
      'and for an IPv4-only one given an IPv6 address',
    () => {
      const local = loadConfig({ env: { MOTCO_LISTEN_ADDRESS: '0.0.0.0' }, cwd: dir });
      expect(new Set(Object.values(dnsAddresses(local)).flat())).toEqual(new Set(['127.0.0.1']));
      const mixed = loadConfig({
        env: {
          MOTCO_LISTEN_ADDRESS: '::',
          MOTCO_AUTOCONFIG__ADDRESS: '2001:db8::5',
          MOTCO_ENDPOINTS__ORG__ADDRESS: '0.0.0.0',
        },
        cwd: dir,
      });
      const addresses = dnsAddresses(mixed);
      expect(addresses[mixed.endpoints[0]!.host]).toEqual(['127.0.0.1']);
      expect(addresses[mixed.endpoints[1]!.host]).toEqual(['2001:db8::5']);
    },
  );

  it('refuses an address that is not an IP and a URL that is not one', () => {
    expect(() => loadConfig({ env: { MOTCO_AUTOCONFIG__ADDRESS: 'autoconfig.example.fr' }, cwd: dir })).toThrow(
      /autoconfig\.address/,
    );
    expect(() => loadConfig({ env: { MOTCO_AUTOCONFIG__URL: 'pas une url' }, cwd: dir })).toThrow(/autoconfig\.url/);
  });
});

/** The A and AAAA addresses the DNS zones give for each endpoint host. */
function dnsAddresses(config: Config): Record<string, string[]> {
  const zones = new Zones(config, 1);
  const lookup = (host: string, type: number) =>
    zones.answer(host, type, Packet.CLASS.IN).answers.map((r) => r.address!);
  return Object.fromEntries(
    config.endpoints.map((e) => [e.host, [...lookup(e.host, Packet.TYPE.A), ...lookup(e.host, Packet.TYPE.AAAA)]]),
  );
}
