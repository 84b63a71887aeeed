// The one catalogue of user-facing text, in French, kept in one file per owner under fr/ (site, runner,
// webmail, psc, isc, catalogue…): a message lives with the area that shows it, its key starts with the
// area's prefix, and no key is defined twice (test/unit/messages.test.ts). Code refers to messages by key;
// `{name}` is replaced by the parameter of that name.
import { accounts } from './fr/accounts.ts';
import { api } from './fr/api.ts';
import { catalogue } from './fr/catalogue.ts';
import { cli } from './fr/cli.ts';
import { dossier } from './fr/dossier.ts';
import { identity } from './fr/identity.ts';
import { isc } from './fr/isc.ts';
import { journal } from './fr/journal.ts';
import { lps } from './fr/lps.ts';
import { mail } from './fr/mail.ts';
import { pki } from './fr/pki.ts';
import { platform } from './fr/platform.ts';
import { psc } from './fr/psc.ts';
import { review } from './fr/review.ts';
import { runner } from './fr/runner.ts';
import { runnerPages } from './fr/runner-pages.ts';
import { site } from './fr/site.ts';
import { web } from './fr/web.ts';
import { webmail } from './fr/webmail.ts';

/** Every area's messages, by area (the catalogue is their union). */
const AREAS = {
  platform,
  cli,
  pki,
  mail,
  webmail,
  accounts,
  api,
  web,
  identity,
  psc,
  isc,
  journal,
  catalogue,
  runner,
  runnerPages,
  review,
  site,
  lps,
  dossier,
} as const;

const fr = {
  ...platform,
  ...cli,
  ...pki,
  ...mail,
  ...webmail,
  ...accounts,
  ...api,
  ...web,
  ...identity,
  ...psc,
  ...isc,
  ...journal,
  ...catalogue,
  ...runner,
  ...runnerPages,
  ...review,
  ...site,
  ...lps,
  ...dossier,
} as const;

export type MessageKey = keyof typeof fr;

/** The keys of one family without their prefix: `KeySuffix<'check.'>` is every check id that has a label. */
export type KeySuffix<P extends string> = MessageKey extends infer K ? (K extends `${P}${infer R}` ? R : never) : never;

/** Every message by key (for checks over the whole catalogue, such as its French spacing). */
export function allMessages(): Readonly<Record<MessageKey, string>> {
  return fr;
}

/** Each area's messages by area name (for checks across areas, such as keys defined twice). */
export function messageAreas(): Readonly<Record<string, Readonly<Record<string, string>>>> {
  return AREAS;
}

/** Whether a key names a message (for keys built from an id, such as fix.<check id>). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(fr, key);
}

/** A message with its `{placeholders}` left in, for code that fills them itself (the runner page's script). */
export function template(key: MessageKey): string {
  return fr[key];
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return fr[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
