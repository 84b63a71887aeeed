// The recorded journals (test/fixtures/journals) still look like what the endpoints write: a few representative
// plays of the reference LPS are played again on a fresh platform, and the shape of the facts recorded — their
// kinds, and every field with the JSON types it took — must be the recordings' shape. When the endpoints record
// something new, the verdict tests would otherwise go on reading journals nobody records any more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYS, readFixture, recordingVendor, recordPlay, shapeOf, type Play } from './helpers/journal-recording.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';

/** Between them, every kind the recordings hold: TLS and mail (SMTP, IMAP), both authentications, an XDM
 * message, a refused certificate and the CRL fetch before it, autoconfiguration by HTTP and DNS. In the
 * recordings' order, so that the CRL is fetched by the same play. */
const REPLAYED = PLAYS.filter((p) =>
  [
    'psc-tls-smtp',
    'authcli-auth-imap--wrong-ou',
    'psc-headers-smtp',
    'psc-revoked-imap',
    'psc-autoconfig-imap',
  ].includes(key(p)),
);

function key(play: Play): string {
  return `${play.job}${play.fault ? `--${play.fault}` : ''}`;
}

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});

afterAll(async () => {
  await t?.stop();
});

describe('recorded journals and what the endpoints record now', () => {
  it('have the same kinds of facts, with the same fields of the same types', async () => {
    const vendor = await recordingVendor(t);
    const fresh = [];
    for (const play of REPLAYED) fresh.push(...(await recordPlay(t.platform, vendor, play)).observations);
    const recorded = REPLAYED.flatMap((play) => readFixture(play).observations);
    expect(REPLAYED).toHaveLength(5);
    expect(Object.keys(shapeOf(recorded))).toEqual([
      'auth',
      'autoconfig.dns',
      'autoconfig.http',
      'command',
      'message',
      'pki.crl_fetch',
      'session.close',
      'session.open',
      'tls.client_hello',
      'tls.established',
      'tls.failed',
    ]);
    expect(
      shapeOf(fresh),
      'the endpoints no longer record what test/fixtures/journals holds: ' +
        're-record them with node --import tsx scripts/record-journals.ts (and check the verdict tests still pass)',
    ).toEqual(shapeOf(recorded));
  });
});
