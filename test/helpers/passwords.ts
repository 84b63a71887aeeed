// Each test mailbox has its own generated password: what a test's clients log in with, read from the store.
import type { TestPlatform } from './platform.ts';

/** The mailbox's own test password (the mailbox must exist). */
export async function passwordOf(t: TestPlatform, address: string): Promise<string> {
  const mailbox = await t.platform.mailboxes.find(address);
  if (!mailbox) throw new Error(`no mailbox ${address}`);
  return (await t.platform.mailboxes.password(mailbox.id))!;
}

/** The passwords of several mailboxes at once, by address, for tests that log in synchronously-built clients. */
export async function passwordsOf(t: TestPlatform, addresses: string[]): Promise<Map<string, string>> {
  return new Map(await Promise.all(addresses.map(async (a) => [a, await passwordOf(t, a)] as const)));
}
