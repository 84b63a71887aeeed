// The PROXY protocol header (src/net/proxy-protocol.ts, src/net/proxy-accept.ts): v1 and v2 headers as HAProxy
// writes them, the LOCAL command and unknown families, TLVs skipped, truncated, oversized and garbage input; a
// property that any input ends in a header, "need more" or an error, and that the bytes after a header reach the
// protocol exactly, however the stream is chunked; and the trusted-sources check.
import os from 'node:os';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { readProxyHeader, trustedSources } from '../../src/net/proxy-accept.ts';
import { isAddressOrRange, MAX_V1_BYTES, MAX_V2_BYTES, parseProxyHeader } from '../../src/net/proxy-protocol.ts';
import type { Observation } from '../../src/observe/journal.ts';
import { narrate } from '../../src/observe/narrate.ts';
import { describeFailure, runFuzz } from '../helpers/fuzz.ts';

const SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');

/** A v2 header: version/command byte, family/protocol byte, then the body (addresses and TLVs). */
function v2(versionCommand: number, family: number, body: Buffer, length = body.length): Buffer {
  return Buffer.concat([SIGNATURE, Buffer.from([versionCommand, family, length >> 8, length & 0xff]), body]);
}

function ipv4Body(source: number[], destination: number[], sourcePort: number, destinationPort: number): Buffer {
  const body = Buffer.alloc(12);
  Buffer.from(source).copy(body, 0);
  Buffer.from(destination).copy(body, 4);
  body.writeUInt16BE(sourcePort, 8);
  body.writeUInt16BE(destinationPort, 10);
  return body;
}

describe('PROXY protocol v1', () => {
  it('reads TCP4 and leaves what follows', () => {
    const input = Buffer.from('PROXY TCP4 127.0.0.2 127.0.0.1 40000 143\r\na001 CAPABILITY\r\n');
    const parsed = parseProxyHeader(input);
    expect(parsed).toEqual({
      kind: 'header',
      length: 42,
      header: {
        version: 1,
        source: { address: '127.0.0.2', port: 40000 },
        destination: { address: '127.0.0.1', port: 143 },
      },
    });
    expect(input.subarray(42).toString()).toBe('a001 CAPABILITY\r\n');
  });

  it('reads TCP6, in the canonical form Node writes', () => {
    const parsed = parseProxyHeader(Buffer.from('PROXY TCP6 2001:DB8:0:0::1 ::1 65535 587\r\n'));
    expect(parsed.kind === 'header' && parsed.header.source).toEqual({ address: '2001:db8::1', port: 65535 });
  });

  it('UNKNOWN keeps the connection’s own addresses, whatever follows it on the line', () => {
    for (const line of ['PROXY UNKNOWN\r\n', 'PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n']) {
      expect(parseProxyHeader(Buffer.from(line))).toEqual({
        kind: 'header',
        length: line.length,
        header: { version: 1, source: null, destination: null },
      });
    }
  });

  it('a truncated line asks for more; a line without CRLF within 107 bytes is too long', () => {
    expect(parseProxyHeader(Buffer.from('PRO')).kind).toBe('incomplete');
    expect(parseProxyHeader(Buffer.from('PROXY TCP4 127.0.0.2 127.0.0.1 40000 143\r')).kind).toBe('incomplete');
    expect(parseProxyHeader(Buffer.from(`PROXY UNKNOWN ${'x'.repeat(MAX_V1_BYTES - 17)}`)).kind).toBe('incomplete');
    expect(parseProxyHeader(Buffer.from(`PROXY UNKNOWN ${'x'.repeat(MAX_V1_BYTES)}`))).toMatchObject({
      kind: 'invalid',
      reason: 'too_long',
    });
  });

  it('refuses malformed lines', () => {
    for (const line of [
      'PROXY TCP4 127.0.0.2 127.0.0.1 40000\r\n', // a field missing
      'PROXY TCP4 ::1 127.0.0.1 40000 143\r\n', // IPv6 under TCP4
      'PROXY TCP6 127.0.0.2 ::1 40000 143\r\n',
      'PROXY TCP4 127.0.0.2 127.0.0.1 65536 143\r\n', // port out of range
      'PROXY TCP4 127.0.0.2 127.0.0.1 040000 143\r\n', // leading zero
      'PROXY TCP4 1.2.3.04 127.0.0.1 1 143\r\n',
      'PROXY TCP4  127.0.0.2 127.0.0.1 1 143\r\n', // two spaces
      'PROXY TCP4 127.0.0.2 127.0.0.1 1 143\n', // LF alone
      'PROXY UDP4 127.0.0.2 127.0.0.1 1 143\r\n',
      'PROXY TCP4 127.0.0.2\x00 127.0.0.1 1 143\r\n',
    ]) {
      expect(parseProxyHeader(Buffer.from(line, 'latin1')), line).toMatchObject({
        kind: 'invalid',
        reason: 'malformed',
      });
    }
  });

  it('anything else is not a PROXY header: a client speaking its protocol at once, TLS, garbage', () => {
    for (const input of [
      'EHLO client\r\n',
      'a001 LOGIN x y\r\n',
      '\x16\x03\x01\x02\x00',
      'GET / HTTP/1.1\r\n',
      'proxy tcp4',
    ]) {
      expect(parseProxyHeader(Buffer.from(input, 'latin1')), input).toMatchObject({
        kind: 'invalid',
        reason: 'not_proxy',
      });
    }
  });
});

describe('PROXY protocol v2', () => {
  it('reads PROXY over TCP/IPv4, skipping TLVs, and leaves what follows', () => {
    const tlvs = Buffer.from([0x01, 0x00, 0x02, 0x68, 0x32, 0x04, 0x00, 0x00]); // ALPN "h2", an empty NOOP
    const header = v2(0x21, 0x11, Buffer.concat([ipv4Body([127, 0, 0, 2], [127, 0, 0, 1], 40000, 587), tlvs]));
    const parsed = parseProxyHeader(Buffer.concat([header, Buffer.from('EHLO x\r\n')]));
    expect(parsed).toEqual({
      kind: 'header',
      length: header.length,
      header: {
        version: 2,
        source: { address: '127.0.0.2', port: 40000 },
        destination: { address: '127.0.0.1', port: 587 },
      },
    });
  });

  it('reads PROXY over TCP/IPv6', () => {
    const body = Buffer.alloc(36);
    Buffer.from('20010db8000000000000000000000001', 'hex').copy(body, 0);
    Buffer.from('00000000000000000000ffff7f000001', 'hex').copy(body, 16);
    body.writeUInt16BE(1234, 32);
    body.writeUInt16BE(143, 34);
    const parsed = parseProxyHeader(v2(0x21, 0x21, body));
    expect(parsed.kind === 'header' && parsed.header).toEqual({
      version: 2,
      source: { address: '2001:db8::1', port: 1234 },
      destination: { address: '::ffff:127.0.0.1', port: 143 },
    });
  });

  it('LOCAL (a health check), UNSPEC, UNIX and datagram families keep the connection’s own addresses', () => {
    const cases = [
      v2(0x20, 0x00, Buffer.alloc(0)),
      v2(0x20, 0x11, ipv4Body([10, 0, 0, 1], [10, 0, 0, 2], 1, 2)),
      v2(0x21, 0x00, Buffer.alloc(0)),
      v2(0x21, 0x31, Buffer.alloc(216)),
      v2(0x21, 0x12, Buffer.alloc(12)),
    ];
    for (const header of cases)
      expect(parseProxyHeader(header)).toEqual({
        kind: 'header',
        length: header.length,
        header: { version: 2, source: null, destination: null },
      });
  });

  it('a truncated header asks for more', () => {
    const header = v2(0x21, 0x11, ipv4Body([127, 0, 0, 2], [127, 0, 0, 1], 1, 2));
    for (let cut = 0; cut < header.length; cut++)
      expect(parseProxyHeader(header.subarray(0, cut)).kind, `cut at ${cut}`).toBe('incomplete');
  });

  it('refuses an oversized header as soon as its length is read', () => {
    const announced = v2(0x21, 0x11, ipv4Body([127, 0, 0, 2], [127, 0, 0, 1], 1, 2), MAX_V2_BYTES);
    expect(parseProxyHeader(announced.subarray(0, 16))).toMatchObject({ kind: 'invalid', reason: 'too_long' });
  });

  it('refuses a wrong version or command, an unknown family, an address block too short', () => {
    for (const header of [
      v2(0x11, 0x11, Buffer.alloc(12)),
      v2(0x22, 0x11, Buffer.alloc(12)),
      v2(0x21, 0x51, Buffer.alloc(12)),
      v2(0x21, 0x13, Buffer.alloc(12)),
      v2(0x21, 0x11, Buffer.alloc(8)),
      v2(0x21, 0x21, Buffer.alloc(12)),
    ]) {
      expect(parseProxyHeader(header)).toMatchObject({ kind: 'invalid', reason: 'malformed' });
    }
    // The version is judged as soon as its byte arrives.
    expect(parseProxyHeader(Buffer.concat([SIGNATURE, Buffer.from([0x31])]))).toMatchObject({
      kind: 'invalid',
      reason: 'malformed',
    });
  });
});

describe('PROXY protocol: any input', () => {
  it('ends in a header, "need more" or an error; a header is independent of what follows (fuzz target)', async () => {
    const result = await runFuzz('proxy-header', { numRuns: 400, shrink: false });
    expect(result.ok, describeFailure(result)).toBe(true);
  });

  it('any bytes: one of the three outcomes, "need more" only below the bounds', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const parsed = parseProxyHeader(bytes);
        if (parsed.kind === 'header') return parsed.length <= bytes.length;
        if (parsed.kind === 'incomplete') return bytes.length < MAX_V2_BYTES;
        return parsed.kind === 'invalid' && ['not_proxy', 'malformed', 'too_long'].includes(parsed.reason);
      }),
      { numRuns: 2000 },
    );
  });

  it('read off a stream in any chunking, the header is found and the bytes after it come out exactly', async () => {
    const header = fc.oneof(
      fc
        .tuple(fc.ipV4(), fc.ipV4(), fc.nat(65535), fc.nat(65535))
        .map(([s, d, sp, dp]) => Buffer.from(`PROXY TCP4 ${s} ${d} ${sp} ${dp}\r\n`)),
      fc
        .tuple(fc.ipV4(), fc.nat(65535), fc.uint8Array({ maxLength: 64 }))
        .map(([s, sp, tlvs]) =>
          v2(
            0x21,
            0x11,
            Buffer.concat([ipv4Body(s.split('.').map(Number), [127, 0, 0, 1], sp, 143), Buffer.from(tlvs)]),
          ),
        ),
    );
    await fc.assert(
      fc.asyncProperty(
        header,
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        async (head, rest, sizes) => {
          const stream = new PassThrough();
          const input = Buffer.concat([head, Buffer.from(rest)]);
          const reading = readProxyHeader(stream, 10_000);
          for (let at = 0, i = 0; at < input.length; at += sizes[i++ % sizes.length]!)
            stream.write(input.subarray(at, at + sizes[i % sizes.length]!));
          const read = await reading;
          expect(read.ok).toBe(true);
          stream.end();
          const after: Buffer[] = [];
          for await (const chunk of stream) after.push(chunk as Buffer);
          expect(Buffer.concat(after).equals(Buffer.from(rest))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a stream that stays silent, closes early or sends garbage is refused', async () => {
    const silent = new PassThrough();
    expect(await readProxyHeader(silent, 50)).toMatchObject({ ok: false, reason: 'timeout' });
    const early = new PassThrough();
    const reading = readProxyHeader(early, 10_000);
    early.end('PROXY TCP4 127.0.0.2');
    expect(await reading).toMatchObject({ ok: false, reason: 'closed' });
    const garbage = new PassThrough();
    const refused = readProxyHeader(garbage, 10_000);
    garbage.write('GET / HTTP/1.1\r\n');
    expect(await refused).toMatchObject({ ok: false, reason: 'not_proxy' });
  });
});

describe('a refused PROXY header in the live log', () => {
  it('is told in French, with the balancer’s address and the reason', () => {
    const refusal: Observation<'session.refused'> = {
      id: 1,
      at: Date.now(),
      kind: 'session.refused',
      endpoint: 'psc',
      protocol: 'imap',
      sessionId: null,
      clientIp: '10.0.0.2',
      clientPort: 40000,
      mailbox: null,
      data: {
        proxyHeader: 'timeout',
        detail: 'no PROXY header within 5000 ms',
        localAddress: '10.0.0.21',
        localPort: 143,
      },
    };
    expect(narrate(refusal)).toBe(
      'Connexion IMAP du répartiteur de charge 10.0.0.2 refusée\u202f: en-tête PROXY non reçu à temps',
    );
  });
});

describe('proxyProtocol.trustedSources', () => {
  it('matches addresses and CIDR ranges, IPv4 clients of a dual-stack socket included', () => {
    const trusted = trustedSources(['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);
    expect(['10.1.2.3', '127.0.0.1', 'fd12::1', '::ffff:10.0.0.1'].map(trusted)).toEqual([true, true, true, true]);
    expect(['11.0.0.1', '127.0.0.2', 'fe80::1', 'unknown', ''].map(trusted)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(trustedSources([])('127.0.0.1')).toBe(false);
  });

  it('reads from the environment as a list, and refuses a host name with a French message', () => {
    const cwd = os.tmpdir();
    const config = loadConfig({
      env: { MOTCO_PROXY_PROTOCOL__IMAP: 'true', MOTCO_PROXY_PROTOCOL__TRUSTED_SOURCES: '10.0.0.5, 10.0.1.0/24' },
      cwd,
    });
    expect(config.proxyProtocol).toEqual({
      imap: true,
      smtp: false,
      web: false,
      trustedSources: ['10.0.0.5', '10.0.1.0/24'],
    });
    expect(() => loadConfig({ env: { MOTCO_PROXY_PROTOCOL__TRUSTED_SOURCES: 'haproxy.local' }, cwd })).toThrow(
      /adresse IP ou plage CIDR attendue/,
    );
  });

  it('the setting accepts addresses and ranges only', () => {
    expect(['10.0.0.5', '10.0.0.0/8', 'fd00::/8', '::1', '0.0.0.0/0'].every(isAddressOrRange)).toBe(true);
    expect(
      ['10.0.0.0/33', 'fd00::/129', 'haproxy.local', '10.0.0.0/8/1', '10.0.0.0/', '10.0.0.0/x', ''].some(
        isAddressOrRange,
      ),
    ).toBe(false);
  });
});
