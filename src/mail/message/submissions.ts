// Submitted messages kept verbatim, as the client sent them: the bytes behind each journal `message` fact (which
// records their SHA-256 and this row's id; the delivered copies' Received header names it too), kept after the
// vendor deleted the mailbox copies. Verdicts read the facts, not these bytes; journal retention purges them with
// their facts (src/observe/retention.ts).
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';

export interface Submission {
  id: number;
  at: number;
  sessionId: string;
  mailbox: string | null;
  sha256: string;
  size: number;
  raw: Buffer;
}

export class SubmissionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async save(sessionId: string, mailbox: string | undefined, raw: Buffer): Promise<{ id: number; sha256: string }> {
    const sha256 = createHash('sha256').update(raw).digest('hex');
    const row = await this.db
      .insertInto('submissions')
      .values({ at: Date.now(), session_id: sessionId, mailbox: mailbox ?? null, sha256, size: raw.length, raw })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: Number(row.id), sha256 };
  }

  async get(id: number): Promise<Submission | undefined> {
    const row = await this.db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: Number(row.id),
      at: Number(row.at),
      sessionId: row.session_id,
      mailbox: row.mailbox,
      sha256: row.sha256,
      size: Number(row.size),
      raw: Buffer.from(row.raw),
    };
  }
}
