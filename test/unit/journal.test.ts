import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal, type FactData, type Observation } from '../../src/observe/journal.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createLogger } from '../../src/util/log.ts';

/** Valid facts of three kinds; each test tells its records apart by clientPort. */
const command = {
  verb: 'NOOP',
  args: '',
  reply: { code: 250, status: '2.0.0', text: 'Ok' },
  tls: true,
  authenticated: true,
};
const auth = { mechanism: 'PLAIN', outcome: 'success', reason: 'password', tls: true } as const;
const hello = {
  legacyVersion: 'TLSv1.2',
  supportedVersions: ['TLSv1.3'],
  highestVersion: 'TLSv1.3',
  cipherSuites: [],
  sni: null,
  extensions: [],
  statusRequest: false,
  supportedGroups: [],
  keyShareGroups: [],
  signatureAlgorithms: [],
  alpn: [],
  ja3: '',
  ja4: '',
  records: 1,
};
const n = (o: Observation) => o.clientPort;

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
    const base = { endpoint: 'org', protocol: 'smtp' as const, clientIp: '192.0.2.1' };
    await journal.record({ ...base, kind: 'tls.client_hello', sessionId: 'A', clientPort: 1, data: hello, at: 1000 });
    await journal.record({
      ...base,
      kind: 'auth',
      sessionId: 'A',
      mailbox: 'a@x.test',
      clientPort: 2,
      data: auth,
      at: 2000,
    });
    await journal.record({
      ...base,
      kind: 'command',
      sessionId: 'B',
      clientIp: '192.0.2.2',
      clientPort: 3,
      data: command,
      at: 3000,
    });
    await journal.record({
      ...base,
      kind: 'command',
      sessionId: 'A',
      mailbox: 'a@x.test',
      endpoint: 'psc',
      clientPort: 4,
      data: command,
      at: 4000,
    });

    expect((await journal.query({ mailbox: 'a@x.test' })).map(n)).toEqual([1, 2, 4]);
    expect((await journal.query({ clientIp: '192.0.2.2' })).map(n)).toEqual([3]);
    expect((await journal.query({ endpoint: 'psc' })).map(n)).toEqual([4]);
    expect((await journal.query({ since: 2000, until: 3000 })).map(n)).toEqual([2, 3]);
    expect((await journal.query({ kind: ['auth', 'tls.client_hello'] })).map(n)).toEqual([1, 2]);
    expect((await journal.tail({}, 2)).map(n)).toEqual([3, 4]);
  });

  it('delivers live observations to subscribers and to followers in another process', async () => {
    const live: Observation[] = [];
    const unsubscribe = journal.subscribe({ mailbox: 'b@x.test' }, (o) => live.push(o));
    const other = await openStore({ dataDir: dir }); // a second connection, as the CLI has
    const followed: Observation[] = [];
    const controller = new AbortController();
    const following = new Journal(other.db).follow({}, (o) => followed.push(o), {
      intervalMs: 20,
      signal: controller.signal,
    });

    await journal.record({ kind: 'auth', sessionId: 'C', mailbox: 'b@x.test', data: auth });
    await journal.record({ kind: 'command', sessionId: 'C', data: command });
    await journal.record({ kind: 'command', sessionId: 'D', data: command });
    unsubscribe();
    expect(live.map((o) => o.sessionId)).toEqual(['C', 'C']);

    await expect.poll(() => followed.length).toBe(3);
    controller.abort();
    await following;
    await other.close();
  });

  it('queries by several mailboxes at once, none matching nothing', async () => {
    await journal.record({ kind: 'tls.client_hello', sessionId: 'E', clientPort: 5, data: hello });
    await journal.record({ kind: 'auth', sessionId: 'E', mailbox: 'e@x.test', clientPort: 6, data: auth });
    await journal.record({ kind: 'auth', sessionId: 'F', mailbox: 'f@x.test', clientPort: 7, data: auth });
    await journal.record({ kind: 'auth', sessionId: 'G', mailbox: 'g@x.test', clientPort: 8, data: auth });
    expect((await journal.query({ mailbox: ['e@x.test', 'f@x.test'] })).map(n)).toEqual([5, 6, 7]);
    expect(await journal.query({ mailbox: [] })).toEqual([]);
  });

  it('records a fact that does not match its kind’s schema all the same, and reports it loudly', async () => {
    const lines: string[] = [];
    const strict = new Journal(store.db, { log: createLogger('error', {}, (line) => lines.push(line)) });
    // A writer that renamed a field: what the compiler would refuse, reaching the journal at run time.
    const renamed = { ...command, answer: command.reply, reply: undefined } as unknown as FactData<'command'>;
    const recorded = await strict.record({ kind: 'command', sessionId: 'H', clientPort: 9, data: renamed });
    expect((await journal.query({ sessionId: 'H' })).map((o) => o.data)).toEqual([
      { verb: 'NOOP', args: '', answer: command.reply, tls: true, authenticated: true },
    ]);
    expect(strict.invalidFacts).toEqual([
      {
        id: recorded.id,
        kind: 'command',
        problems: [expect.stringMatching(/^reply: /), expect.stringMatching(/answer/)],
      },
    ]);
    expect(lines.join('\n')).toMatch(/fact does not match the schema of its kind .*kind=command/);
    await strict.record({ kind: 'command', sessionId: 'H', data: command });
    expect(strict.invalidFacts).toHaveLength(1);
  });
});
