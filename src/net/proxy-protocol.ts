// The PROXY protocol header a load balancer (HAProxy, a cloud TCP balancer) puts in front of a connection to
// say whose it is (HAProxy's proxy-protocol.txt, versions 1 and 2). Pure: bytes in, a header, "need more" or an
// error out. It never looks past the header: `length` says where the proxied protocol's own bytes begin.
import { isIP, SocketAddress } from 'node:net';

export interface ProxyEndpoint {
  address: string;
  port: number;
}

export interface ProxyHeader {
  version: 1 | 2;
  /**
   * The client's and the balancer's addresses as the balancer saw them; null for a v2 LOCAL command (the
   * balancer's own health check), a v1 UNKNOWN or a v2 family other than TCP over IPv4/IPv6: the connection's
   * own addresses then stand.
   */
  source: ProxyEndpoint | null;
  destination: ProxyEndpoint | null;
}

export type ProxyHeaderError = 'not_proxy' | 'malformed' | 'too_long';

export type ProxyParse =
  | { kind: 'header'; header: ProxyHeader; length: number }
  | { kind: 'incomplete' }
  | { kind: 'invalid'; reason: ProxyHeaderError; detail: string };

/** A v1 line, CRLF included, is at most 107 bytes (the spec's bound). */
export const MAX_V1_BYTES = 107;
/**
 * Largest v2 header accepted, signature and TLVs included. The addresses take at most 232 bytes; the rest is
 * TLVs (ALPN, authority, a cloud balancer's endpoint id, TLS details), far below this.
 */
export const MAX_V2_BYTES = 4096;

const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V2_FIXED = 16;

/**
 * A v2 LOCAL header: "this connection is the sender's own, take its addresses as they are". What the platform's
 * own client (the webmail) sends first to an endpoint that expects a header from its address.
 */
export const V2_LOCAL_HEADER = Buffer.concat([V2_SIGNATURE, Buffer.from([0x20, 0x00, 0x00, 0x00])]);

/** Parses the header at the start of `bytes`, which may hold only part of it, or more than it. */
export function parseProxyHeader(bytes: Uint8Array): ProxyParse {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (startsWithPrefixOf(buffer, V2_SIGNATURE))
    return buffer.length < V2_SIGNATURE.length ? { kind: 'incomplete' } : parseV2(buffer);
  if (startsWithPrefixOf(buffer, V1_PREFIX))
    return buffer.length < V1_PREFIX.length ? { kind: 'incomplete' } : parseV1(buffer);
  return invalid('not_proxy', 'the connection does not start with a PROXY protocol header');
}

/** True when `buffer` and `signature` agree on their common length (an empty buffer agrees with everything). */
function startsWithPrefixOf(buffer: Buffer, signature: Buffer): boolean {
  const n = Math.min(buffer.length, signature.length);
  return buffer.subarray(0, n).equals(signature.subarray(0, n));
}

function parseV1(buffer: Buffer): ProxyParse {
  const window = buffer.subarray(0, MAX_V1_BYTES);
  const lf = window.indexOf(0x0a);
  // Only printable ASCII may precede the CRLF: a stray byte is an error now, not after 107 bytes.
  const scanned = lf >= 0 ? lf : window.length;
  for (let i = 0; i < scanned; i++) {
    const byte = window[i]!;
    if ((byte < 0x20 || byte > 0x7e) && !(byte === 0x0d && i === scanned - 1))
      return invalid('malformed', `byte 0x${hex(byte)} in a v1 header`);
  }
  if (lf < 0)
    return buffer.length >= MAX_V1_BYTES
      ? invalid('too_long', `no CRLF within ${MAX_V1_BYTES} bytes`)
      : { kind: 'incomplete' };
  if (lf === 0 || window[lf - 1] !== 0x0d) return invalid('malformed', 'v1 header not ended by CRLF');
  const line = window.toString('latin1', 0, lf - 1);
  const length = lf + 1;
  const fields = line.split(' ');
  const protocol = fields[1];
  // UNKNOWN: whatever follows is to be ignored, and the connection's own addresses stand.
  if (protocol === 'UNKNOWN')
    return { kind: 'header', header: { version: 1, source: null, destination: null }, length };
  if (protocol !== 'TCP4' && protocol !== 'TCP6')
    return invalid('malformed', `unknown v1 protocol ${JSON.stringify(protocol ?? '')}`);
  if (fields.length !== 6) return invalid('malformed', 'a v1 TCP header has exactly five fields after PROXY');
  const family = protocol === 'TCP4' ? 'ipv4' : 'ipv6';
  const source = endpoint(fields[2]!, fields[4]!, family);
  const destination = endpoint(fields[3]!, fields[5]!, family);
  if (!source || !destination) return invalid('malformed', `bad ${protocol} address or port in a v1 header`);
  return { kind: 'header', header: { version: 1, source, destination }, length };
}

function endpoint(address: string, port: string, family: 'ipv4' | 'ipv6'): ProxyEndpoint | null {
  if (!/^(0|[1-9][0-9]{0,4})$/.test(port) || Number(port) > 65535) return null;
  // The spec's addresses are plain dotted quads and colon-hex: no zone, no surrounding space.
  if (!/^[0-9a-fA-F:.]+$/.test(address)) return null;
  const canonical = canonicalAddress(address, family);
  return canonical === null ? null : { address: canonical, port: Number(port) };
}

/** The address as Node itself writes it (lower-case, zeros compressed), or null when it is not one of `family`. */
function canonicalAddress(address: string, family: 'ipv4' | 'ipv6'): string | null {
  try {
    return new SocketAddress({ address, family }).address;
  } catch {
    return null;
  }
}

function parseV2(buffer: Buffer): ProxyParse {
  if (buffer.length < V2_FIXED) {
    // Judge the version and command as soon as they arrive.
    const early = buffer.length > 12 ? checkVersionCommand(buffer[12]!) : undefined;
    return early ?? { kind: 'incomplete' };
  }
  const versionCommand = buffer[12]!;
  const bad = checkVersionCommand(versionCommand);
  if (bad) return bad;
  const local = (versionCommand & 0x0f) === 0x0;
  const familyProtocol = buffer[13]!;
  const family = familyProtocol >> 4;
  const transport = familyProtocol & 0x0f;
  if (family > 3 || transport > 2)
    return invalid('malformed', `unknown v2 address family/protocol 0x${hex(familyProtocol)}`);
  const bodyLength = buffer.readUInt16BE(14);
  const length = V2_FIXED + bodyLength;
  if (length > MAX_V2_BYTES) return invalid('too_long', `v2 header of ${length} bytes (at most ${MAX_V2_BYTES})`);
  const needed = [0, 12, 36, 216][family]!;
  if (bodyLength < needed) return invalid('malformed', `v2 address block of ${bodyLength} bytes, ${needed} needed`);
  if (buffer.length < length) return { kind: 'incomplete' };
  // What follows the addresses (TLVs) is skipped: nothing in it is needed here.
  if (local || transport !== 1 || (family !== 1 && family !== 2))
    return { kind: 'header', header: { version: 2, source: null, destination: null }, length };
  const body = buffer.subarray(V2_FIXED, length);
  const size = family === 1 ? 4 : 16;
  const source = { address: v2Address(body.subarray(0, size)), port: body.readUInt16BE(2 * size) };
  const destination = { address: v2Address(body.subarray(size, 2 * size)), port: body.readUInt16BE(2 * size + 2) };
  return { kind: 'header', header: { version: 2, source, destination }, length };
}

function checkVersionCommand(byte: number): ProxyParse | undefined {
  if (byte >> 4 !== 2) return invalid('malformed', `v2 header of version ${byte >> 4}`);
  if ((byte & 0x0f) > 1) return invalid('malformed', `unknown v2 command ${byte & 0x0f}`);
  return undefined;
}

function v2Address(bytes: Buffer): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return canonicalAddress(groups.join(':'), 'ipv6')!;
}

function invalid(reason: ProxyHeaderError, detail: string): ProxyParse {
  return { kind: 'invalid', reason, detail };
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

/**
 * True when `entry` is an address or a CIDR range proxyProtocol.trustedSources accepts (the settings' validation;
 * proxy-accept.ts matches them).
 */
export function isAddressOrRange(entry: string): boolean {
  const [address = '', bits, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}
