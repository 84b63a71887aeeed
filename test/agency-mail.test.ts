// The « Contacter l'agence » cap (src/dossier/contact.ts: 10 messages per vendor per hour) is counted in the
// store, so that the workers of `motco start` and the instances on one PostgreSQL share it: two AgencyMail on
// two connections to one database (as two worker processes have) together send 10 of a vendor's messages in an
// hour and refuse the 11th, and so does the platform's own form (429); another vendor still sends; an hour later
// the vendor may send again, and the rows a day old are purged as messages go. The relay is the platform's own
// psc SMTP endpoint (STARTTLS, PLAIN), as in web-dossier.test.ts; the agency's mailbox shows what went out.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformUser } from '../src/accounts/directory.ts';
import { AgencyMail, PER_HOUR } from '../src/dossier/contact.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { vendor } from './helpers/api.ts';
import { ownRelay, randomPortBase, startTestPlatform, type TestPlatform } from './helpers/platform.ts';

const DOMAIN = 'mail-tests-editeur.motco.localhost';
const AGENCY = `agence@${DOMAIN}`;
const RELAY_USER = `motco-relais@${DOMAIN}`;
const HOUR = 60 * 60 * 1000;

let t: TestPlatform;
let files: string;
/** A second connection to the platform's database: what a second worker process opens. */
let second: Store;

beforeAll(async () => {
  const base = randomPortBase();
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-agency-'));
  const relay = ownRelay(base, RELAY_USER, path.join(files, 'igc-sante-test-roots.pem'));
  t = await startTestPlatform({
    portBase: base,
    agency: { email: AGENCY },
    webmailPassword: relay.password,
    outgoingMail: relay,
  });
  await t.platform.pki.exportTrust(files);
  await t.platform.mailboxes.create(AGENCY, 'personal');
  await t.platform.mailboxes.create(RELAY_USER, 'personal');
  second = await openStore({ dataDir: t.dataDir });
});

afterAll(async () => {
  await second?.close();
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

/** Subjects the agency's INBOX received. */
async function received(): Promise<string[]> {
  const box = (await t.platform.mailboxes.find(AGENCY))!;
  return (await t.platform.mailboxes.messages(box.id, 'INBOX')).map((m) => {
    const encoded = /^Subject: =\?UTF-8\?B\?([^?]+)\?=/m.exec(m.raw.toString())?.[1];
    return encoded ? Buffer.from(encoded, 'base64').toString() : '';
  });
}

/** « Envoyer à l'agence » as the vendor's browser posts it: the form page first (its token), then the form. */
async function postForm(userId: number, organisationId: number): Promise<{ status: number; page: string }> {
  const created = await t.platform.accounts.create(
    { nil: 'AGENCE-1', idnatPsc: '810009876501' },
    { organisationId, by: 'test' },
  );
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  const session = await t.platform.auth.sessions.createSession(userId);
  const url = `${t.config.publicUrl}/outil/${created.account.id}/contact`;
  const form = await fetch(url, { headers: { cookie: `motco_session=${session.value}` } });
  expect(form.status).toBe(200);
  const formSession = /motco_form_session=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')![1]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const sent = await fetch(url, {
    method: 'POST',
    headers: {
      cookie: `motco_session=${session.value}; motco_form_session=${formSession}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ csrf, objet: '[MOTCO2] par le formulaire', message: 'Bonjour.' }).toString(),
  });
  return { status: sent.status, page: await sent.text() };
}

describe('« Contacter l’agence » cap across processes', () => {
  it('two AgencyMail on one database together send 10 of a vendor’s messages in an hour, not 11', async () => {
    const workers = [new AgencyMail(t.config, t.platform.store.db), new AgencyMail(t.config, second.db)];
    const { user, organisation } = await vendor(t.platform, {
      login: 'agnes.agence',
      immatriculation: '12345678900201',
    });
    const { user: other } = await vendor(t.platform, { login: 'oscar.autre', immatriculation: '12345678900202' });
    // A row two days old (a message of long ago): the next message purges it.
    await t.platform.store.db
      .insertInto('agency_messages')
      .values({ user_id: other.id, at: Date.now() - 48 * HOUR, recipient: AGENCY })
      .execute();

    const send = (from: PlatformUser, i: number) =>
      workers[i % 2]!.send(from, { subject: `[MOTCO2] message ${i}`, body: `Message ${i}.` });
    const results = [];
    for (let i = 1; i <= PER_HOUR + 1; i++) results.push(await send(user, i));
    expect(results.slice(0, PER_HOUR)).toEqual(Array(PER_HOUR).fill({ ok: true, to: AGENCY }));
    expect(results[PER_HOUR]).toEqual({ ok: false, reason: 'throttled' });
    // Refused on either worker, and by the platform's own form (a third counter on the same rows: 429, in French).
    expect(await send(user, 12)).toEqual({ ok: false, reason: 'throttled' });
    const refused = await postForm(user.id, organisation.id);
    expect(refused.status).toBe(429);
    expect(refused.page).toContain('Trop de messages envoyés à l’agence dans l’heure');
    // The refusals are not counted as messages.
    expect(
      await t.platform.store.db
        .selectFrom('agency_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ n: PER_HOUR });
    // Another vendor has its own count; its two-day-old row went with the first message.
    expect(await send(other, 1)).toEqual({ ok: true, to: AGENCY });
    const otherRows = await t.platform.store.db
      .selectFrom('agency_messages')
      .select('at')
      .where('user_id', '=', other.id)
      .execute();
    expect(otherRows).toHaveLength(1);
    expect(Number(otherRows[0]!.at)).toBeGreaterThan(Date.now() - HOUR);

    const subjects = await received();
    expect(subjects.filter((s) => s.startsWith('[MOTCO2] message '))).toEqual([
      ...Array.from({ length: PER_HOUR }, (_, i) => `[MOTCO2] message ${i + 1}`),
      '[MOTCO2] message 1',
    ]);

    // An hour later (the rows moved back rather than waited for) the vendor may write again.
    await t.platform.store.db
      .updateTable('agency_messages')
      .set({ at: Date.now() - HOUR - 1000 })
      .where('user_id', '=', user.id)
      .execute();
    expect(await send(user, 13)).toEqual({ ok: true, to: AGENCY });
  });
});
