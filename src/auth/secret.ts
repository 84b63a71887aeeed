// Bearer secrets (API tokens, session cookies): random, shown to their holder once, kept only as a hash.
// They carry 256 bits of entropy, so a plain SHA-256 is enough to make a stolen database useless.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares a given secret with the expected one in constant time (only the length may leak). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
