// The store on both engines: SQLite under the data folder by default; PostgreSQL when a URL is configured,
// remembered by the data folder for the CLI (this part runs in the PostgreSQL leg: npm run test:postgres).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Journal } from '../src/observe/journal.ts';
import { DATABASE_URL_FILE, openStore } from '../src/store/store.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'motco-store-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('store', () => {
  it('uses SQLite under the data folder when no database URL is given', async () => {
    const dir = tempDir();
    const store = await openStore({ dataDir: dir });
    expect(store.dialect).toBe('sqlite');
    expect(existsSync(path.join(dir, 'motco.sqlite'))).toBe(true);
    await store.close();
  });

  const admin = process.env.TEST_POSTGRES_URL;
  it.runIf(admin)(
    'uses PostgreSQL from a URL, remembers it in the data folder, and returns numbers for bigints',
    async () => {
      const name = `motco_store_${randomBytes(4).toString('hex')}`;
      execFileSync('psql', [admin!, '-q', '-c', `CREATE DATABASE ${name}`]);
      const url = new URL(admin!);
      url.pathname = `/${name}`;
      url.password = 'secret-not-shown';
      const dir = tempDir();
      const first = await openStore({ dataDir: dir, database: { url: url.toString() } });
      expect(first.dialect).toBe('postgres');
      expect(first.location).not.toContain('secret-not-shown');
      const observation = await new Journal(first.db).record({
        kind: 'session.open',
        data: { localAddress: '127.0.0.1', localPort: 1 },
      });
      expect(typeof observation.id).toBe('number');
      await first.close();

      const remembered = path.join(dir, DATABASE_URL_FILE);
      expect(readFileSync(remembered, 'utf8').trim()).toBe(url.toString());
      expect(statSync(remembered).mode & 0o777).toBe(0o600);
      const again = await openStore({ dataDir: dir }); // as a CLI command given --data
      expect(again.dialect).toBe('postgres');
      expect((await new Journal(again.db).query({})).map((o) => [o.id, o.at > 0, o.data])).toEqual([
        [observation.id, true, { localAddress: '127.0.0.1', localPort: 1 }],
      ]);
      await again.close();
    },
  );
});
