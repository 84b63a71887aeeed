import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal, type Observation } from '../../src/observe/journal.ts';
import { openStore, type Store } from '../../src/store/store.ts';

let dir: string;
let store: Store;
let journal: Journal;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'motco-journal-'));
  store = await openStore({ dataDir: dir });
  journal = new Journal(store.db);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('observation journal', () => {
  it('queries by mailbox including what came before the authentication on the same session', async () => {
    const base = { endpoint: 'org', protocol: 'smtp' as const, clientIp: '192.0.2.1', clientPort: 4000 };
    await journal.record({ ...base, kind: 'tls.client_hello', sessionId: 'A', data: { n: 1 }, at: 1000 });
    await journal.record({ ...base, kind: 'auth', sessionId: 'A', mailbox: 'a@x.test', data: { n: 2 }, at: 2000 });
    await journal.record({ ...base, kind: 'command', sessionId: 'B', clientIp: '192.0.2.2', data: { n: 3 }, at: 3000 });
    await journal.record({ ...base, kind: 'command', sessionId: 'A', mailbox: 'a@x.test', endpoint: 'psc', data: { n: 4 }, at: 4000 });

    expect((await journal.query({ mailbox: 'a@x.test' })).map((o) => o.data.n)).toEqual([1, 2, 4]);
    expect((await journal.query({ clientIp: '192.0.2.2' })).map((o) => o.data.n)).toEqual([3]);
    expect((await journal.query({ endpoint: 'psc' })).map((o) => o.data.n)).toEqual([4]);
    expect((await journal.query({ since: 2000, until: 3000 })).map((o) => o.data.n)).toEqual([2, 3]);
    expect((await journal.query({ kind: ['auth', 'tls.client_hello'] })).map((o) => o.data.n)).toEqual([1, 2]);
    expect((await journal.tail({}, 2)).map((o) => o.data.n)).toEqual([3, 4]);
  });

  it('delivers live observations to subscribers and to followers in another process', async () => {
    const live: Observation[] = [];
    const unsubscribe = journal.subscribe({ mailbox: 'b@x.test' }, (o) => live.push(o));
    const other = await openStore({ dataDir: dir }); // a second connection, as the CLI has
    const followed: Observation[] = [];
    const controller = new AbortController();
    const following = new Journal(other.db).follow({}, (o) => followed.push(o), { intervalMs: 20, signal: controller.signal });

    await journal.record({ kind: 'auth', sessionId: 'C', mailbox: 'b@x.test', data: {} });
    await journal.record({ kind: 'command', sessionId: 'C', data: { after: true } });
    await journal.record({ kind: 'command', sessionId: 'D', data: {} });
    unsubscribe();
    expect(live.map((o) => o.sessionId)).toEqual(['C', 'C']);

    await expect.poll(() => followed.length).toBe(3);
    controller.abort();
    await following;
    await other.close();
  });

  it('queries by several mailboxes at once, none matching nothing', async () => {
    await journal.record({ kind: 'tls.client_hello', sessionId: 'E', data: { n: 5 } });
    await journal.record({ kind: 'auth', sessionId: 'E', mailbox: 'e@x.test', data: { n: 6 } });
    await journal.record({ kind: 'auth', sessionId: 'F', mailbox: 'f@x.test', data: { n: 7 } });
    await journal.record({ kind: 'auth', sessionId: 'G', mailbox: 'g@x.test', data: { n: 8 } });
    expect((await journal.query({ mailbox: ['e@x.test', 'f@x.test'] })).map((o) => o.data.n)).toEqual([5, 6, 7]);
    expect(await journal.query({ mailbox: [] })).toEqual([]);
  });
});
