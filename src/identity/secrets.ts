// Secrets the identity providers generate once and keep in the store (cookie keys, the CSRF key, generated
// client secrets, the admin password), so that sessions, forms and configured clients survive a restart.
import { randomBytes } from 'node:crypto';
import type { IdentityDb } from './db.ts';

export class Secrets {
  constructor(private readonly db: IdentityDb) {}

  async get(name: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('identity_secrets')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.value;
  }

  /** The secret of that name, generated (and reported as such) the first time; two processes agree on one value. */
  async obtain(
    name: string,
    generate: () => string = () => randomBytes(32).toString('base64url'),
  ): Promise<{ value: string; created: boolean }> {
    const existing = await this.get(name);
    if (existing !== undefined) return { value: existing, created: false };
    const inserted = await this.db
      .insertInto('identity_secrets')
      .values({ name, value: generate(), created_at: Date.now() })
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('value')
      .executeTakeFirst();
    if (inserted) return { value: inserted.value, created: true };
    return { value: (await this.get(name))!, created: false };
  }
}
