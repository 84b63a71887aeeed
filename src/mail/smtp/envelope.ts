// Parsing of MAIL FROM / RCPT TO arguments (RFC 5321 §4.1.2) and their ESMTP parameters.
import { parseAddress } from '../mailbox/address.ts';

export interface PathArgument {
  /** Address without angle brackets; empty for the null reverse-path <>. */
  address: string;
  params: Map<string, string>;
  /** The client omitted the angle brackets RFC 5321 requires. */
  bracketless: boolean;
}

/**
 * Parses "FROM:<a@b> SIZE=10" (keyword given without its colon). Leniencies real servers allow are
 * accepted and flagged: spaces after the colon, missing brackets.
 */
export function parsePath(args: string, keyword: 'FROM' | 'TO'): PathArgument | { error: string } {
  // dotAll: with `.` stopping at U+2028, "\s*(.*)$" would backtrack quadratically over a run of spaces.
  const match = new RegExp(`^${keyword}:\\s*(.*)$`, 'is').exec(args);
  if (!match) return { error: `expected ${keyword}:<address>` };
  const rest = match[1]!;
  let address: string;
  let tail: string;
  let bracketless = false;
  if (rest.startsWith('<')) {
    const close = rest.indexOf('>');
    if (close < 0) return { error: 'missing closing >' };
    address = rest.slice(1, close).replace(/^@[^:]+:/, ''); // drop an obsolete source route
    tail = rest.slice(close + 1);
  } else {
    bracketless = true;
    [address = '', tail = ''] = splitOnce(rest, ' ');
  }
  if (address !== '' && !parseAddress(address)) return { error: `invalid address ${address}` };
  if (address === '' && keyword === 'TO') return { error: 'empty recipient' };
  const params = new Map<string, string>();
  for (const token of tail.trim().split(/\s+/).filter(Boolean)) {
    const [key, value = ''] = splitOnce(token, '=');
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(key)) return { error: `invalid parameter ${token}` };
    params.set(key.toUpperCase(), value);
  }
  return { address: address === '' ? '' : parseAddress(address)!.address, params, bracketless };
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}
