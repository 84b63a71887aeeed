// Small conversions shared by the PKI: PEM text, serial numbers and whole-second times.
import { randomBytes } from 'node:crypto';
import { x509 } from './engine.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;

type PemLabel = 'CERTIFICATE' | 'X509 CRL' | 'PRIVATE KEY';

/**
 * PEM text ending with a newline (x509 omits it, which breaks concatenated bundles). CRLs must be labelled
 * `X509 CRL`: the `CRL` label x509 writes by default is rejected by OpenSSL and Node.
 */
export function toPem(der: ArrayBuffer | Uint8Array, label: PemLabel): string {
  return `${x509.PemConverter.encode(der, label)}\n`;
}

/** The DER blocks of a PEM text that carry the given label, in order. */
export function pemBlocks(text: string, label: PemLabel): Buffer[] {
  return x509.PemConverter.decodeWithHeaders(text)
    .filter((block) => block.type === label)
    .map((block) => Buffer.from(block.rawData));
}

/**
 * 16 random bytes whose first byte is 0x10–0x7f: positive (RFC 5280 §4.1.2.2) and with no leading zero, so the hex form
 * is canonical.
 */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = 0x10 + (bytes[0]! % 0x70);
  return bytes.toString('hex');
}

/** Lowercase hex without leading zeros, so that serials from x509, Node, OCSP requests and CRLs compare equal. */
export function canonicalSerial(hex: string): string {
  return hex.toLowerCase().replace(/^0+(?=.)/, '');
}

/** CRL and OCSP times must not carry milliseconds (RFC 5280 §4.1.2.5.2); certificates get the same treatment. */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** A date as shown in French messages: YYYY-MM-DD (UTC). */
export function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
