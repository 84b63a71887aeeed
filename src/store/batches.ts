// Purging rows a little at a time: each batch is its own short DELETE with a turn of the event loop between two,
// so that a purge after months of growth holds neither the event loop (better-sqlite3 is synchronous) nor the
// database's write lock (SQLite) for long, whichever table it empties.
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Rows per batch: each DELETE also updates the table's indexes (the journal has five), and on SQLite the statement
 * holds the event loop (better-sqlite3 is synchronous); 1,000 journal rows held it up to 184 ms on a loaded machine
 * (npm run bench -- journal), 250 keeps a batch to a few milliseconds of work.
 */
export const PURGE_BATCH = 250;

/**
 * Runs `deleteSome(limit)` — one statement deleting at most `limit` rows, returning how many it deleted — until a
 * batch deletes fewer than `limit` or `stopped()` says to stop; returns the rows deleted in all.
 */
export async function deleteInBatches(
  deleteSome: (limit: number) => Promise<number | bigint>,
  options: { batch?: number; stopped?: () => boolean } = {},
): Promise<number> {
  const limit = options.batch ?? PURGE_BATCH;
  let total = 0;
  while (!options.stopped?.()) {
    const deleted = Number(await deleteSome(limit));
    total += deleted;
    if (deleted < limit) break;
    await nextTurn();
  }
  return total;
}
