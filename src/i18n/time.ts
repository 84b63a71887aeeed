// Times as users read them, in one time zone for every page, log line, export and command output (setting
// `timeZone`, Europe/Paris by default): the runner and the webmail must show the same mail at the same hour.
// The zone is set once at start-up (platform, CLI); formatting never falls back to the process's own zone.
import { t } from './messages.ts';

const DEFAULT_TIME_ZONE = 'Europe/Paris';
let zone = DEFAULT_TIME_ZONE;

/** Whether Intl knows the IANA zone name (what the `timeZone` setting accepts). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('fr-FR', { timeZone: name });
    return name.trim() !== '';
  } catch {
    return false;
  }
}

/** Sets the zone of every time formatted from now on (the `timeZone` setting). */
export function setTimeZone(name: string): void {
  if (!isTimeZone(name)) throw new RangeError(`unknown time zone ${name}`);
  // Intl's own spelling (europe/paris → Europe/Paris), which zoneLabel() shows.
  zone = new Intl.DateTimeFormat('fr-FR', { timeZone: name }).resolvedOptions().timeZone;
}

export function timeZone(): string {
  return zone;
}

/** « heure de Paris », « heure UTC »: what a page says its times are in. */
export function zoneLabel(): string {
  if (/^(Etc\/)?(UTC|GMT|UCT|Universal|Zulu)$/i.test(zone)) return t('time.zoneUtc');
  return t('time.zoneCity', { city: zone.split('/').at(-1)!.replaceAll('_', ' ') });
}

/** « 14:05:09 » */
export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString('fr-FR', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** « 14:05 » */
export function hourMinute(at: number): string {
  return new Date(at).toLocaleTimeString('fr-FR', { timeZone: zone, hour: '2-digit', minute: '2-digit' });
}

/** « 28/11/2025 14:05:09 » */
export function dateTime(at: number): string {
  return new Date(at).toLocaleString('fr-FR', { timeZone: zone, dateStyle: 'short', timeStyle: 'medium' });
}

/** « 28/11/2025 » */
export function dayDate(at: number): string {
  return new Date(at).toLocaleDateString('fr-FR', { timeZone: zone });
}

/** « vendredi 28 novembre 2025 à 14:05 » */
export function longDateTime(at: number): string {
  return new Date(at).toLocaleString('fr-FR', { timeZone: zone, dateStyle: 'full', timeStyle: 'short' });
}

let isoFormat: Intl.DateTimeFormat | undefined;

/**
 * ISO 8601 in the zone with its offset, « 2025-11-28T14:05:09.123+01:00 »: for logs and `motco journal`,
 * where a line must also sort and parse.
 */
export function isoLocal(at: number): string {
  if (isoFormat?.resolvedOptions().timeZone !== zone) {
    isoFormat = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
  }
  const parts = Object.fromEntries(isoFormat.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const offset = Math.round((local - Math.floor(at / 1000) * 1000) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const mm = String(Math.abs(offset) % 60).padStart(2, '0');
  const ms = String(((at % 1000) + 1000) % 1000).padStart(3, '0');
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  return `${date}T${parts.hour}:${parts.minute}:${parts.second}.${ms}${sign}${hh}:${mm}`;
}
