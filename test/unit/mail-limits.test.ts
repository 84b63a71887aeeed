// The mailbox store's limits (quota in messages and bytes, keywords per message, per folder and in length) and
// the connection counts of the mail listeners, without sockets: what is refused, and that a refusal changes nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKey, ConnectionLimits } from '../../src/mail/connection-limits.ts';
import { Delivery } from '../../src/mail/mailbox/delivery.ts';
import {
  KeywordLimitError,
  MailboxStore,
  QuotaError,
  type Folder,
  type Mailbox,
} from '../../src/mail/mailbox/store.ts';
import { openStore, type Store } from '../../src/store/store.ts';

let dir: string;
let store: Store;
let mailboxes: MailboxStore;

const LIMITS = {
  quotaMessages: 3,
  quotaBytes: 1000,
  maxKeywordsPerMessage: 2,
  maxKeywordsPerFolder: 3,
  maxKeywordBytes: 8,
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'motco-mail-limits-'));
  store = await openStore({ dataDir: dir });
  mailboxes = new MailboxStore(store.db, { mail: 'mail.test', patient: 'patient.mail.test' }, LIMITS);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const message = (subject: string, bytes = 0) => Buffer.from(`Subject: ${subject}\r\n\r\n${'x'.repeat(bytes)}\r\n`);
const folder = async (m: Mailbox, name: string) => (await mailboxes.folder(m.id, name))!;
const count = async (f: Folder) => (await mailboxes.index(f.id)).length;

describe('quota', () => {
  it(
    'refuses the message past the quota in APPEND, ' + 'COPY and delivery, and lets a move within the mailbox through',
    async () => {
      const m = await mailboxes.create('quota@mail.test', 'test');
      for (const s of ['a', 'b', 'c']) await mailboxes.append(m.id, 'INBOX', message(s));
      await expect(mailboxes.append(m.id, 'INBOX', message('d'))).rejects.toMatchObject({
        resource: 'messages',
        limit: 3,
      });
      const inbox = await folder(m, 'INBOX');
      const trash = await folder(m, 'Trash');
      await expect(mailboxes.copyMessages(inbox, [1], trash)).rejects.toBeInstanceOf(QuotaError);
      expect(await count(trash)).toBe(0);
      // Moving changes nothing to what the mailbox holds.
      expect((await mailboxes.moveMessages(inbox, [1, 2], trash)).pairs).toEqual([
        [1, 1],
        [2, 2],
      ]);
      expect([await count(inbox), await count(trash)]).toEqual([1, 2]);
      expect(await mailboxes.usage(m.id)).toMatchObject({ messages: 3 });

      const delivery = new Delivery(mailboxes);
      expect(await delivery.overQuota(['quota@mail.test'], 10)).toBe('quota@mail.test');
      expect(await delivery.deliver(['quota@mail.test'], message('e'))).toEqual({
        delivered: [],
        overQuota: ['quota@mail.test'],
      });
      expect(await mailboxes.usage(m.id)).toMatchObject({ messages: 3 });
    },
  );

  it('counts bytes over all folders', async () => {
    const m = await mailboxes.create('octets@mail.test', 'test');
    await mailboxes.append(m.id, 'INBOX', message('a', 600));
    await mailboxes.append(m.id, 'Sent', message('b', 300));
    await expect(mailboxes.append(m.id, 'Drafts', message('c', 100))).rejects.toMatchObject({
      resource: 'bytes',
      limit: 1000,
    });
    expect(await new Delivery(mailboxes).overQuota(['octets@mail.test', 'personne@patient.mail.test'], 100)).toBe(
      'octets@mail.test',
    );
    expect(await new Delivery(mailboxes).overQuota(['personne@patient.mail.test'], 100)).toBeUndefined();
  });
});

describe('keywords', () => {
  it(
    'limits keywords per message, in length and per folder, ' + 'and forgets keywords no message carries any more',
    async () => {
      // A roomy quota here: only the keyword limits are at stake.
      const mailboxes = new MailboxStore(
        store.db,
        { mail: 'mail.test', patient: 'patient.mail.test' },
        { ...LIMITS, quotaMessages: 100, quotaBytes: 100_000 },
      );
      const folder = async (m: Mailbox, name: string) => (await mailboxes.folder(m.id, name))!;
      const m = await mailboxes.create('mots@mail.test', 'test');
      for (const s of ['a', 'b']) await mailboxes.append(m.id, 'INBOX', message(s));
      const inbox = await folder(m, 'INBOX');
      await mailboxes.updateFlags(inbox, [1], 'add', ['\\Seen', 'un', 'Deux']);
      // System flags do not count; a keyword already there (in any case) neither.
      await mailboxes.updateFlags(inbox, [1], 'add', ['\\Flagged', 'deux']);
      await expect(mailboxes.updateFlags(inbox, [1, 2], 'add', ['trois'])).rejects.toMatchObject({
        limit: 'per_message',
        max: 2,
      });
      expect((await mailboxes.index(inbox.id)).map((e) => e.flags)).toEqual([
        ['\\Seen', 'un', 'Deux', '\\Flagged'],
        [],
      ]);
      await expect(mailboxes.updateFlags(inbox, [2], 'set', ['a', 'b', 'c'])).rejects.toMatchObject({
        limit: 'per_message',
      });
      await expect(mailboxes.updateFlags(inbox, [2], 'add', ['tres-long-mot'])).rejects.toMatchObject({
        limit: 'length',
        max: 8,
      });
      await expect(mailboxes.append(m.id, 'INBOX', message('c'), { flags: ['x', 'y', 'z'] })).rejects.toBeInstanceOf(
        KeywordLimitError,
      );

      await mailboxes.updateFlags(inbox, [2], 'add', ['trois']);
      expect(await mailboxes.keywords(inbox.id)).toEqual(['Deux', 'trois', 'un']);
      await expect(mailboxes.updateFlags(inbox, [2], 'add', ['quatre'])).rejects.toMatchObject({
        limit: 'per_folder',
        max: 3,
      });
      await mailboxes.updateFlags(inbox, [1], 'remove', ['un']);
      await mailboxes.updateFlags(inbox, [2], 'add', ['quatre']);
      expect(await mailboxes.keywords(inbox.id)).toEqual(['Deux', 'quatre', 'trois']);

      // A copy must find room for its keywords in the target folder: refused whole, nothing copied.
      const archive = await mailboxes.createFolder(m.id, 'Archive');
      for (const s of ['p', 'q']) await mailboxes.append(m.id, 'Archive', message(s), { flags: [`k${s}`] });
      await mailboxes.updateFlags(archive, [1], 'add', ['kr']);
      await expect(mailboxes.copyMessages(inbox, [1, 2], archive)).rejects.toMatchObject({ limit: 'per_folder' });
      expect((await mailboxes.index(archive.id)).length).toBe(2);
    },
  );
});

describe('large folders', () => {
  it('reads the index, STATUS and the messages to expunge a page at a time, with the same answers', async () => {
    const unlimited = new MailboxStore(store.db, { mail: 'mail.test', patient: 'patient.mail.test' });
    const m = await unlimited.create('grand@mail.test', 'test');
    const inbox = (await unlimited.folder(m.id, 'INBOX'))!;
    const count = 4500; // more than two pages
    const now = Date.now();
    await store.db.transaction().execute(async (tx) => {
      for (let uid = 1; uid <= count; uid++) {
        const flags = [uid % 3 === 0 ? '\\Seen' : '', uid % 1000 === 0 ? '\\Deleted' : '', 'kw']
          .filter(Boolean)
          .join(' ');
        await tx
          .insertInto('messages')
          .values({
            folder_id: inbox.id,
            uid: uid * 2,
            flags,
            internal_date: now,
            size: 10,
            raw: Buffer.from('x'),
            created_at: now,
          })
          .execute();
      }
    });
    const index = await unlimited.index(inbox.id);
    expect(index.length).toBe(count);
    expect(index.at(-1)!.uid).toBe(count * 2);
    expect(await unlimited.status(inbox.id, count)).toEqual({
      messages: count,
      unseen: count - count / 3,
      recent: count / 2,
      lastUid: count * 2,
    });
    expect(await unlimited.expunge(inbox)).toEqual([2000, 4000, 6000, 8000]);
    expect((await unlimited.status(inbox.id, 0)).messages).toBe(count - 4);
  });
});

describe('connections', () => {
  it('counts per address on an endpoint, per address in total and in total, and gives places back once', () => {
    const limits = new ConnectionLimits({
      maxConnectionsPerAddress: 2,
      maxConnectionsPerAddressTotal: 3,
      maxConnectionsTotal: 4,
      preAuthDeadlineSeconds: 1,
      commandDeadlineSeconds: 1,
    });
    const a = limits.acquire('psc', '192.0.2.1');
    const b = limits.acquire('psc', '192.0.2.1');
    expect([a.ok, b.ok]).toEqual([true, true]);
    expect(limits.acquire('psc', '192.0.2.1')).toEqual({ ok: false, refusal: { limit: 'per_address', max: 2 } });
    expect(limits.acquire('org', '192.0.2.1').ok).toBe(true);
    expect(limits.acquire('org', '192.0.2.1')).toEqual({ ok: false, refusal: { limit: 'per_address_total', max: 3 } });
    expect(limits.acquire('org', '192.0.2.2').ok).toBe(true);
    expect(limits.acquire('org', '192.0.2.3')).toEqual({ ok: false, refusal: { limit: 'total', max: 4 } });
    if (a.ok) {
      a.release();
      a.release();
    }
    expect(limits.acquire('org', '192.0.2.3').ok).toBe(true);
    expect(limits.acquire('org', '192.0.2.4').ok).toBe(false);
  });

  it('counts IPv6 clients by their /64', () => {
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:DB8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
