// One time zone for every time users read (setting `timeZone`, Europe/Paris by default): the runner's pages,
// its log and exports, the webmail and `motco journal` format the same moment the same way, whatever the
// process's own zone; the setting is validated; pages say which zone their times are in.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { clockTime, dateTime, isoLocal, setTimeZone, timeZone, zoneLabel } from '../../src/i18n/time.ts';
import { frenchDateTime, html, page } from '../../src/web/html.ts';
import { clockTime as runnerClock } from '../../src/web/runner/views.ts';
import { shortDate } from '../../src/webmail/layout.ts';

// 2026-01-15 12:34:56.007 UTC: 13:34 in Paris (winter), 09:34 in Cayenne.
const AT = Date.UTC(2026, 0, 15, 12, 34, 56, 7);

afterEach(() => setTimeZone('Europe/Paris'));

describe('time zone', () => {
  it('is Europe/Paris by default, as a setting validated with Intl', () => {
    expect(loadConfig({ env: {}, overrides: {} }).timeZone).toBe('Europe/Paris');
    expect(loadConfig({ env: { MOTCO_TIME_ZONE: 'America/Cayenne' }, overrides: {} }).timeZone).toBe('America/Cayenne');
    expect(() => loadConfig({ env: {}, overrides: { timeZone: 'Mars/Olympus' } })).toThrow(/timeZone/);
    expect(timeZone()).toBe('Europe/Paris');
  });

  it('formats every time in the zone, not the process’s', () => {
    expect(clockTime(AT)).toBe('13:34:56');
    expect(dateTime(AT)).toBe('15/01/2026 13:34:56');
    expect(isoLocal(AT)).toBe('2026-01-15T13:34:56.007+01:00');
    expect(isoLocal(Date.UTC(2026, 6, 1, 0, 0, 0, 0))).toBe('2026-07-01T02:00:00.000+02:00');
    expect(zoneLabel()).toBe('heure de Paris');
    setTimeZone('america/cayenne');
    expect(timeZone()).toBe('America/Cayenne');
    expect(clockTime(AT)).toBe('09:34:56');
    expect(isoLocal(AT)).toBe('2026-01-15T09:34:56.007-03:00');
    expect(zoneLabel()).toBe('heure de Cayenne');
    setTimeZone('UTC');
    expect(zoneLabel()).toBe('heure UTC');
  });

  it('gives the runner and the webmail the same hour for the same mail', () => {
    setTimeZone('America/Cayenne');
    const day = Date.UTC(2026, 0, 15, 20, 0, 0);
    expect(runnerClock(AT).slice(0, 5)).toBe(shortDate(AT, day));
    expect(frenchDateTime(AT)).toBe('15/01/2026 09:34:56');
  });

  it('says on every page which zone its times are in', () => {
    expect(page({ title: 'x', body: html`<p>—</p>` })).toContain('Toutes les heures sont données à l’heure de Paris.');
  });
});
