// Autoconfiguration as Thunderbird fetches it (issue 15): the mail domain's MX and address from the platform's
// DNS, then its second URL, https://<mail domain>/.well-known/autoconfig/mail/config-v1.1.xml, fetched by curl
// and verified with the exported trust roots, and the file checked against Thunderbird's config-v1.1 format by a
// structural validator (the elements and attributes its reader requires, and the enumerations the format
// documents for socketType, authentication and the username placeholders), <oAuth2> block included, whose PSC
// endpoints must be the PSC's own.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';

let t: TestPlatform;
let files: string;
const PERSONAL = '810012345679';
const APPLICATIVE = '312345678900013';
const address = (local: string) => `${local}@${t.config.mailDomain}`;

beforeAll(async () => {
  t = await startTestPlatform();
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-autoconfig-tb-'));
  await t.platform.pki.exportTrust(files);
  await t.platform.mailboxes.create(address(PERSONAL), 'personal');
  await t.platform.mailboxes.create(address(APPLICATIVE), 'applicative');
});

afterAll(async () => {
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

// Thunderbird's config-v1.1 format (wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat, and the
// reader in comm-central's accountcreation readFromXML): the documented values.
const SOCKET_TYPES = ['plain', 'SSL', 'STARTTLS'];
const INCOMING_AUTHENTICATION = [
  'password-cleartext',
  'plain',
  'password-encrypted',
  'secure',
  'NTLM',
  'GSSAPI',
  'client-IP-address',
  'TLS-client-cert',
  'OAuth2',
  'none',
];
const OUTGOING_AUTHENTICATION = [...INCOMING_AUTHENTICATION, 'smtp-after-pop'];
const INCOMING_TYPES = ['imap', 'pop3', 'nntp'];
const PLACEHOLDERS = ['%EMAILADDRESS%', '%EMAILLOCALPART%', '%EMAILDOMAIN%', '%REALNAME%'];
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

type Node = Record<string, unknown>;
const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

/**
 * Every departure from the format in a config-v1.1 file, as readable sentences (none: the file follows it).
 * Checks what Thunderbird's reader requires (it refuses the file otherwise) and what the format documents.
 */
function formatProblems(xml: string): string[] {
  const problems: string[] = [];
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    trimValues: true,
  });
  let document: Node;
  try {
    document = parser.parse(xml, true) as Node;
  } catch (error) {
    return [`not well-formed XML: ${(error as Error).message}`];
  }
  const root = document.clientConfig as Node | undefined;
  if (!root || typeof root !== 'object') return ['no <clientConfig> root'];
  if (root['@version'] !== '1.1') problems.push('clientConfig version is not "1.1"');
  const providers = list(root.emailProvider) as Node[];
  if (providers.length !== 1) return [...problems, `${providers.length} <emailProvider> instead of one`];
  const provider = providers[0]!;
  if (!text(provider['@id'])) problems.push('emailProvider without id');
  const domains = list(provider.domain).map(text);
  if (domains.length === 0 || domains.some((d) => !d || !HOSTNAME.test(d)))
    problems.push(`<domain> missing or not a host name: ${JSON.stringify(domains)}`);
  if (!text(provider.displayName)) problems.push('no <displayName>');
  const server = (node: Node, kind: 'incoming' | 'outgoing', index: number) => {
    const where = `${kind}Server #${index + 1}`;
    const type = text(node['@type']);
    if (kind === 'incoming' ? !INCOMING_TYPES.includes(type ?? '') : type !== 'smtp')
      problems.push(`${where}: type "${type}"`);
    const host = text(node.hostname);
    if (!host || !(HOSTNAME.test(host) || isIP(host))) problems.push(`${where}: hostname "${host}"`);
    const port = Number(text(node.port));
    if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`${where}: port "${text(node.port)}"`);
    const sockets = list(node.socketType).map(text);
    if (sockets.length === 0 || !sockets.some((s) => SOCKET_TYPES.includes(s ?? '')))
      problems.push(`${where}: socketType ${JSON.stringify(sockets)} not among ${SOCKET_TYPES.join(', ')}`);
    const username = text(node.username);
    if (username === undefined) problems.push(`${where}: no <username>`);
    for (const placeholder of username?.match(/%[A-Z]+%/g) ?? [])
      if (!PLACEHOLDERS.includes(placeholder)) problems.push(`${where}: unknown placeholder ${placeholder}`);
    const methods = list(node.authentication).map(text);
    const allowed = kind === 'incoming' ? INCOMING_AUTHENTICATION : OUTGOING_AUTHENTICATION;
    if (methods.length === 0) problems.push(`${where}: no <authentication>`);
    for (const method of methods)
      if (!allowed.includes(method ?? '')) problems.push(`${where}: authentication "${method}" not in the format`);
  };
  const incoming = list(provider.incomingServer) as Node[];
  const outgoing = list(provider.outgoingServer) as Node[];
  if (incoming.length === 0) problems.push('no <incomingServer>');
  if (outgoing.length === 0) problems.push('no <outgoingServer>');
  incoming.forEach((node, i) => server(node, 'incoming', i));
  outgoing.forEach((node, i) => server(node, 'outgoing', i));
  const oAuth2 = list(root.oAuth2) as Node[];
  const usesOAuth2 = [...incoming, ...outgoing].some((node) => list(node.authentication).includes('OAuth2'));
  if (oAuth2.length > 1) problems.push('more than one <oAuth2>');
  if (list(provider.oAuth2).length > 0)
    problems.push('<oAuth2> inside <emailProvider>: it is a child of <clientConfig>');
  for (const block of oAuth2) {
    for (const field of ['issuer', 'scope', 'authURL', 'tokenURL'])
      if (!text(block[field])) problems.push(`<oAuth2> without <${field}>`);
    for (const field of ['authURL', 'tokenURL'])
      if (!URL.canParse(text(block[field]) ?? '')) problems.push(`<oAuth2> <${field}> is not a URL`);
  }
  if (oAuth2.length > 0 && !usesOAuth2) problems.push('<oAuth2> while no server uses OAuth2');
  return problems;
}

async function dig(name: string, type: string): Promise<string> {
  const r = await run('dig', [
    '@127.0.0.1',
    '-p',
    String(t.config.ports.dns),
    '+time=3',
    '+tries=1',
    '+noall',
    '+answer',
    '+additional',
    name,
    type,
  ]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** Thunderbird's second URL, on the bare mail domain, reached at the address the platform's DNS gives. */
async function fetchFromMailDomain(
  emailaddress: string,
): Promise<{ code: number | null; stderr: string; status: string; body: string }> {
  const domain = t.config.mailDomain;
  const answer = await dig(domain, 'A');
  const resolved = new RegExp(`^${domain.replaceAll('.', '\\.')}\\.\\s+\\d+\\s+IN\\s+A\\s+(\\S+)$`, 'm').exec(
    answer,
  )?.[1];
  expect(resolved, answer).toBe(t.config.autoconfig.address === '0.0.0.0' ? '127.0.0.1' : t.config.autoconfig.address);
  const out = path.join(files, `config-${Math.random().toString(36).slice(2)}.xml`);
  const url = `https://${domain}:${t.config.ports.webTls}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(emailaddress)}`;
  // The exported roots (motco pki export): the web certificate comes from the non-IGC test CA.
  const r = await run('curl', [
    '-sS',
    '--max-time',
    '20',
    '--cacert',
    path.join(files, 'non-igc-root.pem'),
    '--resolve',
    `${domain}:${t.config.ports.webTls}:${resolved}`,
    '-o',
    out,
    '-w',
    '%{http_code}',
    url,
  ]);
  let body = '';
  try {
    body = readFileSync(out, 'utf8');
  } catch {
    // no body: the transfer failed
  }
  return { code: r.code, stderr: r.stderr, status: r.stdout, body };
}

describe('DNS of the mail domain', () => {
  it('has an MX (the first mail-domain endpoint, its address in the additional section) and an address', async () => {
    const domain = t.config.mailDomain;
    const org = t.endpoint('org');
    const mx = await dig(domain, 'MX');
    expect(mx).toMatch(
      new RegExp(
        `^${domain.replaceAll('.', '\\.')}\\.\\s+\\d+\\s+IN\\s+MX\\s+10 ${org.host.replaceAll('.', '\\.')}\\.$`,
        'm',
      ),
    );
    expect(mx).toMatch(
      new RegExp(`^${org.host.replaceAll('.', '\\.')}\\.\\s+\\d+\\s+IN\\s+A\\s+127\\.0\\.0\\.1$`, 'm'),
    );
    expect(await dig(domain, 'A')).toMatch(/\sIN\s+A\s+127\.0\.0\.1$/m);
  });
});

describe('https://<mail domain>/.well-known/autoconfig/mail/config-v1.1.xml', () => {
  it(
    'verifies with the exported roots (the web certificate names the bare mail domain) ' +
      'and follows the format, <oAuth2> included',
    async () => {
      const fetched = await fetchFromMailDomain(address(PERSONAL));
      expect(fetched.code, fetched.stderr).toBe(0);
      expect(fetched.status).toBe('200');
      expect(formatProblems(fetched.body)).toEqual([]);
      const shown = await run('openssl', [
        'x509',
        '-noout',
        '-ext',
        'subjectAltName',
        '-in',
        t.platform.pki.credentials('web').certFile,
      ]);
      expect(shown.stdout).toContain(`DNS:${t.config.mailDomain}`);

      // The PSC mailbox: psc's servers with OAuth2, and the PSC endpoints where a client gets its token.
      const document = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false }).parse(
        fetched.body,
      ) as { clientConfig: { emailProvider: Node; oAuth2: Node } };
      const provider = document.clientConfig.emailProvider;
      expect(list(provider.incomingServer)).toEqual([
        expect.objectContaining({
          '@type': 'imap',
          hostname: t.endpoint('psc').host,
          port: String(t.endpoint('psc').imapPort),
          socketType: 'STARTTLS',
          username: address(PERSONAL),
          authentication: 'OAuth2',
        }),
      ]);
      const discovery = (await (await fetch(t.platform.identity.psc.discoveryUrl)).json()) as {
        authorization_endpoint: string;
        token_endpoint: string;
        scopes_supported: string[];
      };
      const block = document.clientConfig.oAuth2;
      expect(block).toEqual({
        issuer: new URL(discovery.authorization_endpoint).hostname,
        scope: 'openid scope_all',
        authURL: discovery.authorization_endpoint,
        tokenURL: discovery.token_endpoint,
      });
      for (const scope of String(block.scope).split(' ')) expect(discovery.scopes_supported).toContain(scope);
    },
  );

  it(
    'has no <oAuth2> block for an applicative mailbox (certificate and PLAIN on org), ' +
      'and the generic file has one',
    async () => {
      const applicative = await fetchFromMailDomain(address(APPLICATIVE));
      expect(applicative.code, applicative.stderr).toBe(0);
      expect(formatProblems(applicative.body)).toEqual([]);
      expect(applicative.body).not.toContain('<oAuth2>');
      expect(applicative.body).toContain('<authentication>TLS-client-cert</authentication>');
      const generic = await fetchFromMailDomain(`%EMAILADDRESS%`);
      expect(generic.status).toBe('400'); // a placeholder is no address: the client must send its own
      const anyone = await run('curl', [
        '-sS',
        '--cacert',
        path.join(files, 'non-igc-root.pem'),
        '--resolve',
        `${t.config.mailDomain}:${t.config.ports.webTls}:127.0.0.1`,
        `https://${t.config.mailDomain}:${t.config.ports.webTls}/.well-known/autoconfig/mail/config-v1.1.xml`,
      ]);
      expect(formatProblems(anyone.stdout)).toEqual([]);
      expect(anyone.stdout).toContain('<username>%EMAILADDRESS%</username>');
      expect(anyone.stdout).toContain('<oAuth2>');
    },
  );
});

describe('the format validator', () => {
  it('reports what Thunderbird would refuse or the format does not know', () => {
    const good =
      '<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="x.test"><domain>x.test</domain>' +
      '<displayName>X</displayName>\n' +
      '      <incomingServer type="imap"><hostname>imap.x.test</hostname><port>143</port>' +
      '<socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username>' +
      '<authentication>OAuth2</authentication></incomingServer>\n' +
      '      <outgoingServer type="smtp"><hostname>smtp.x.test</hostname><port>587</port>' +
      '<socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username>' +
      '<authentication>password-cleartext</authentication></outgoingServer>\n' +
      '      </emailProvider><oAuth2><issuer>auth.x.test</issuer><scope>mail</scope>' +
      '<authURL>https://auth.x.test/a</authURL><tokenURL>https://auth.x.test/t</tokenURL></oAuth2></clientConfig>';
    expect(formatProblems(good)).toEqual([]);
    const broken = (from: string, to: string) => formatProblems(good.replace(from, to));
    expect(broken('<socketType>STARTTLS</socketType>', '<socketType>TLS</socketType>')).toEqual([
      expect.stringMatching(/incomingServer #1: socketType/),
    ]);
    expect(broken('<port>143</port>', '<port>0</port>')).toEqual([expect.stringMatching(/port "0"/)]);
    expect(broken('<authentication>OAuth2</authentication>', '<authentication>XOAUTH2</authentication>')).toEqual([
      expect.stringMatching(/XOAUTH2/),
      '<oAuth2> while no server uses OAuth2',
    ]);
    expect(broken('%EMAILADDRESS%', '%EMAIL%')).toEqual([expect.stringMatching(/unknown placeholder %EMAIL%/)]);
    expect(broken('version="1.1"', 'version="1.0"')).toEqual(['clientConfig version is not "1.1"']);
    expect(broken('<tokenURL>https://auth.x.test/t</tokenURL>', '')).toEqual([
      '<oAuth2> without <tokenURL>',
      '<oAuth2> <tokenURL> is not a URL',
    ]);
    expect(broken('<outgoingServer type="smtp">', '<outgoingServer type="imap">')).toEqual([
      'outgoingServer #1: type "imap"',
    ]);
    expect(formatProblems('<clientConfig version="1.1"><emailProvider')).toEqual([
      expect.stringMatching(/^not well-formed XML/),
    ]);
  });
});
