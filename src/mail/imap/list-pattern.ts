// LIST and LSUB patterns (RFC 3501 §6.3.8): `*` matches anything, `%` anything but the hierarchy delimiter,
// other characters themselves. Matched by dynamic programming over (pattern, name) rather than a regular
// expression: ".*a.*a.*a…b" backtracks exponentially, and the pattern is the client's.
import { FOLDER_DELIMITER } from '../mailbox/store.ts';

/**
 * A matcher for folder names (stored UTF-8 names). INBOX is case-insensitive (RFC 3501 §5.1): the first five
 * characters of INBOX and INBOX/… match their pattern characters in any case, so "In%" and "inbox*" list INBOX
 * as Dovecot does; other names match exactly.
 */
export function listMatcher(pattern: string): (name: string) => boolean {
  // A run of wildcards is one `*` when it holds one, one `%` otherwise.
  const tokens: string[] = [];
  for (const c of pattern) {
    const last = tokens.at(-1);
    if ((c === '*' || c === '%') && (last === '*' || last === '%')) {
      if (c === '*') tokens[tokens.length - 1] = '*';
    } else {
      tokens.push(c);
    }
  }
  const literals = tokens.filter((t) => t !== '*' && t !== '%').length;
  return (name) => {
    const chars = [...name];
    const inbox = name === 'INBOX' || name.startsWith(`INBOX${FOLDER_DELIMITER}`) ? 5 : 0;
    // More characters to match than the name has: no match (and the work below stays name-sized).
    if (literals > chars.length) return false;
    // row[j]: the tokens read so far match the first j characters of the name.
    let row = new Uint8Array(chars.length + 1);
    row[0] = 1;
    for (const t of tokens) {
      const next = new Uint8Array(chars.length + 1);
      let reached = 0;
      for (let j = 0; j <= chars.length; j++) {
        if (t === '*') reached = reached || row[j]!;
        else if (t === '%') reached = (reached && chars[j - 1] !== FOLDER_DELIMITER ? 1 : 0) || row[j]!;
        else
          reached =
            j > 0 && row[j - 1] && (chars[j - 1] === t || (j <= inbox && t.toUpperCase() === chars[j - 1])) ? 1 : 0;
        next[j] = reached;
      }
      if (!next.includes(1)) return false;
      row = next;
    }
    return row[chars.length] === 1;
  };
}
