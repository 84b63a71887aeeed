// Reads the client's ClientHello off the raw socket right after STARTTLS, without consuming it: the bytes
// are put back so that Node's TLS stack performs the real handshake. The hello is recorded even when the
// handshake then fails (a TLS 1.1-only client, say), which is the point: we judge what the client offered.
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import {
  calculateJa3,
  calculateJa4,
  CIPHER_SUITES,
  EXTENSIONS,
  getExtensionData,
  isGREASE,
  readTlsClientHello,
  SIGNATURE_ALGORITHMS,
  SUPPORTED_GROUPS,
  TLS_VERSIONS,
} from 'read-tls-client-hello';

export interface OfferedSuite {
  /** Hexadecimal code as in the manual's FAQ, e.g. 0xC02F. */
  code: string;
  /** IANA name, or GREASE / UNKNOWN_0x…. */
  name: string;
}

export interface ClientHelloSummary {
  /** The record-layer-independent legacy_version field, e.g. "TLS 1.2". */
  legacyVersion: string;
  /** supported_versions extension (RFC 8446), GREASE removed; empty when absent. */
  supportedVersions: string[];
  /** Highest version the client offered. */
  highestVersion: string;
  cipherSuites: OfferedSuite[];
  sni: string | null;
  extensions: { id: number; name: string }[];
  /** status_request (RFC 6066 §8): the client asked for a stapled OCSP response. */
  statusRequest: boolean;
  supportedGroups: string[];
  /** Groups of the key_share extension (TLS 1.3), GREASE removed: none we accept means a HelloRetryRequest. */
  keyShareGroups: string[];
  signatureAlgorithms: string[];
  alpn: string[];
  ja3: string;
  ja4: string;
  /** TLS records the hello was spread over (1 for nearly every client). */
  records: number;
}

export type HelloCapture =
  | { ok: true; hello: ClientHelloSummary }
  | { ok: false; reason: 'not_tls' | 'closed' | 'timeout' | 'unparseable'; detail: string };

const MAX_HELLO_BYTES = 128 * 1024;

export function versionName(code: number): string {
  return TLS_VERSIONS[code]?.replace('TLS ', 'TLSv') ?? `0x${hex(code)}`;
}

export function suiteName(code: number): string {
  if (isGREASE(code)) return 'GREASE';
  return CIPHER_SUITES[code] ?? `UNKNOWN_0x${hex(code)}`;
}

function hex(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Collects the ClientHello from a paused socket that has no other 'data' listener, then pauses it again
 * with every byte it read pushed back.
 */
export function captureClientHello(socket: Socket, timeoutMs: number): Promise<HelloCapture> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const timer = setTimeout(
      () => finish({ ok: false, reason: 'timeout', detail: `no ClientHello within ${timeoutMs} ms` }),
      timeoutMs,
    );

    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      const state = assemble(Buffer.concat(chunks, total));
      if (state.kind === 'incomplete' && total <= MAX_HELLO_BYTES) return;
      if (state.kind === 'complete') {
        void parse(state.record, state.records).then(finish);
        detach();
        return;
      }
      finish({
        ok: false,
        reason: state.kind === 'not_tls' ? 'not_tls' : 'unparseable',
        detail: state.kind === 'incomplete' ? 'ClientHello too large' : state.detail,
      });
    };
    const onEnd = () => finish({ ok: false, reason: 'closed', detail: 'connection closed before the ClientHello' });

    let detached = false;
    function detach() {
      if (detached) return;
      detached = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.pause();
      if (total > 0 && !socket.destroyed) socket.unshift(Buffer.concat(chunks, total));
    }
    let settled = false;
    function finish(result: HelloCapture) {
      detach();
      if (settled) return;
      settled = true;
      resolve(result);
    }

    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.resume();
  });
}

type Assembly =
  | { kind: 'incomplete' }
  | { kind: 'complete'; record: Buffer; records: number }
  | { kind: 'not_tls'; detail: string }
  | { kind: 'unparseable'; detail: string };

/** Reassembles the ClientHello handshake message from one or more handshake records. */
function assemble(bytes: Buffer): Assembly {
  const handshake: Buffer[] = [];
  let handshakeLength = 0;
  let offset = 0;
  let records = 0;
  while (offset + 5 <= bytes.length) {
    const type = bytes[offset]!;
    if (type !== 0x16) {
      return records === 0
        ? {
            kind: 'not_tls',
            detail: `first byte 0x${type.toString(16).padStart(2, '0')} is not a TLS handshake record`,
          }
        : { kind: 'unparseable', detail: 'ClientHello interrupted by another record type' };
    }
    const length = bytes.readUInt16BE(offset + 3);
    if (offset + 5 + length > bytes.length) break;
    handshake.push(bytes.subarray(offset + 5, offset + 5 + length));
    handshakeLength += length;
    offset += 5 + length;
    records += 1;
    const message = Buffer.concat(handshake, handshakeLength);
    if (message.length >= 4) {
      if (message[0] !== 0x01) return { kind: 'unparseable', detail: 'first handshake message is not a ClientHello' };
      const needed = 4 + message.readUIntBE(1, 3);
      if (message.length >= needed) {
        if (needed > 0xffff) return { kind: 'unparseable', detail: 'ClientHello larger than one record can carry' };
        // One synthetic record holding the whole message, which is what the parser reads.
        const header = Buffer.from([0x16, bytes[1]!, bytes[2]!, needed >> 8, needed & 0xff]);
        return { kind: 'complete', record: Buffer.concat([header, message.subarray(0, needed)]), records };
      }
    }
  }
  if (bytes.length >= 1 && bytes[0] !== 0x16)
    return {
      kind: 'not_tls',
      detail: `first byte 0x${bytes[0]!.toString(16).padStart(2, '0')} is not a TLS handshake record`,
    };
  return { kind: 'incomplete' };
}

async function parse(record: Buffer, records: number): Promise<HelloCapture> {
  try {
    const hello = await readTlsClientHello(Readable.from([record], { objectMode: false }));
    return { ok: true, hello: summarise(hello, records) };
  } catch (error) {
    return { ok: false, reason: 'unparseable', detail: (error as Error).message };
  }
}

function summarise(hello: Awaited<ReturnType<typeof readTlsClientHello>>, records: number): ClientHelloSummary {
  const versions = (getExtensionData(hello, 0x002b)?.versions ?? []).filter((v) => !isGREASE(v));
  const highest = Math.max(hello.version, ...versions);
  return {
    legacyVersion: versionName(hello.version),
    supportedVersions: versions.map(versionName),
    highestVersion: versionName(highest),
    cipherSuites: hello.cipherSuites.map((code) => ({ code: `0x${hex(code)}`, name: suiteName(code) })),
    sni: getExtensionData(hello, 0x0000)?.serverName ?? null,
    extensions: hello.extensions.map((e) => ({
      id: e.id,
      name: isGREASE(e.id) ? 'GREASE' : (EXTENSIONS[e.id] ?? `unknown_${e.id}`),
    })),
    statusRequest: hello.extensions.some((e) => e.id === 0x0005),
    supportedGroups: (getExtensionData(hello, 0x000a)?.groups ?? [])
      .filter((g) => !isGREASE(g))
      .map((g) => SUPPORTED_GROUPS[g] ?? `0x${hex(g)}`),
    keyShareGroups: (getExtensionData(hello, 0x0033)?.entries ?? [])
      .filter((e) => !isGREASE(e.group))
      .map((e) => SUPPORTED_GROUPS[e.group] ?? `0x${hex(e.group)}`),
    signatureAlgorithms: (getExtensionData(hello, 0x000d)?.algorithms ?? []).map(
      (a) => SIGNATURE_ALGORITHMS[a] ?? `0x${hex(a)}`,
    ),
    alpn: getExtensionData(hello, 0x0010)?.protocols ?? [],
    ja3: calculateJa3(hello),
    ja4: calculateJa4(hello),
    records,
  };
}
