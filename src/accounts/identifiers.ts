// Identifiers an account receives at creation: the runner user id the logs show (manual figure 13:
// "Nom utilisateur CTRW3E0R0175") and the test patient's INS matricule of its patient address.
import { randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** 12 upper-case letters and digits, like CTRW3E0R0175. */
export function runnerUserId(): string {
  return Array.from({ length: 12 }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');
}

/**
 * A fictitious INS matricule shaped like a NIR (15 digits): sex, year and month of birth, department,
 * commune, order number, then the control key 97 − (first 13 digits mod 97). Department 20 is avoided
 * (Corsica writes 2A/2B).
 */
export function testInsMatricule(): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const three = (n: number) => String(n).padStart(3, '0');
  let department = randomInt(1, 95);
  if (department === 20) department = 21;
  const body =
    `${randomInt(1, 3)}${two(randomInt(0, 100))}${two(randomInt(1, 13))}${two(department)}` +
    `${three(randomInt(1, 991))}${three(randomInt(1, 1000))}`;
  return body + two(insKey(body));
}

/** The control key of a 13-digit NIR body. */
export function insKey(body: string): number {
  return 97 - Number(BigInt(body) % 97n);
}
