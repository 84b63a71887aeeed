// The generated test password of a mailbox: what PLAIN/LOGIN must carry to open it (src/mail/authenticate.ts),
// shown to the vendor on its account page and by `motco account show`, renewable there.
import { randomInt } from 'node:crypto';

/** Lower-case letters and digits without the look-alikes (0/o, 1/l/i): easy to read aloud and to type. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 7;
const GROUP_LENGTH = 4;

/**
 * Seven groups of four symbols joined by dashes, e.g. `k7dm-x3qa-…`: 28 symbols of a 31-letter alphabet, about
 * 138 bits of entropy. No character a client or a shell quotes (`:`, `"`, `\`, space), so that it fits
 * `curl --user address:password`, an IMAP LOGIN atom and a SASL PLAIN string alike.
 */
export function newMailboxPassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}
