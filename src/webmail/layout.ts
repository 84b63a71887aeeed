// What every webmail page shares: the platform's shell (area « Webmail », the mailbox as the signed-in
// user, « Déconnexion » with its CSRF token, the switch to the vendor's other mailboxes), the webmail's
// stylesheet and script, the headers of personal pages (never cached, a CSP that allows no inline script,
// nosniff, no referrer), the URLs of folders and messages, and how dates and sizes read in French.
import type { FastifyReply } from 'fastify';
import type { OrganisationMailbox } from '../accounts/accounts.ts';
import { t } from '../i18n/messages.ts';
import { dayDate, hourMinute, longDateTime } from '../i18n/time.ts';
import type { Folder, Mailbox } from '../mail/mailbox/store.ts';
import { html, page, type SafeHtml } from '../web/html.ts';

export const HOME = '/webmail';
export const LOGIN_URL = '/webmail/connexion';
export const OPEN_URL = '/webmail/ouvrir';
export const LOGOUT_URL = '/webmail/deconnexion';
export const COMPOSE_URL = '/webmail/ecrire';
export const ACTIONS_URL = '/webmail/actions';
export const EVENTS_URL = '/webmail/evenements';

/** Headers of every webmail answer; the HTML body view and downloads tighten the CSP further. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export interface WebmailPage {
  title: string;
  body: SafeHtml;
  /** The signed-in mailbox, with the CSRF token of the page's forms and the mailboxes it may switch to. */
  session?: { mailbox: Mailbox; csrf: string; mailboxes?: OrganisationMailbox[] };
  /** Which tab of the navigation is this page. */
  tab?: 'messages' | 'compose';
  status?: number;
}

export function sendPage(reply: FastifyReply, o: WebmailPage): FastifyReply {
  const nav = o.session
    ? [
        { href: folderUrl('INBOX'), label: t('webmail.nav.messages'), current: o.tab === 'messages' },
        { href: COMPOSE_URL, label: t('webmail.nav.compose'), current: o.tab === 'compose' },
      ]
    : undefined;
  return reply
    .code(o.status ?? 200)
    .type('text/html; charset=utf-8')
    .send(
      page({
        title: o.title,
        area: t('webmail.area'),
        home: HOME,
        body: o.session?.mailboxes?.some((m) => m.address !== o.session!.mailbox.address)
          ? html`${switcher(o.session.mailboxes, o.session.mailbox, o.session.csrf)}${o.body}`
          : o.body,
        head: html`<link rel="stylesheet" href="/assets/webmail.css"><script src="/assets/webmail.js" defer></script>`,
        ...(nav ? { nav } : {}),
        ...(o.session
          ? { user: { name: o.session.mailbox.address, logoutUrl: LOGOUT_URL, csrf: o.session.csrf } }
          : {}),
      }),
    );
}

/** The vendor's other mailboxes, one POST away (the account site's session is checked again there). */
function switcher(mailboxes: OrganisationMailbox[], current: Mailbox, csrf: string): SafeHtml {
  return html`<form class="mailbox-switch" method="post" action="${OPEN_URL}">
<input type="hidden" name="csrf" value="${csrf}">
${mailboxChoice(mailboxes, current.address)}
<button type="submit" class="secondary">${t('webmail.open.switch')}</button>
</form>`;
}

/** A labelled choice among the vendor's mailboxes (role, product, former ones marked). */
export function mailboxChoice(mailboxes: OrganisationMailbox[], selected: string | undefined): SafeHtml {
  const role = {
    personal: t('site.detail.personal'),
    applicative: t('site.detail.applicative'),
    patient: t('site.detail.patient'),
  };
  return html`<label for="f-bal">${t('webmail.open.mailbox')}</label>
<select id="f-bal" name="adresse">
${mailboxes.map((m) => {
  const label = t(m.current ? 'webmail.open.option' : 'webmail.open.optionFormer', {
    address: m.address,
    role: role[m.role],
    nil: m.nil,
  });
  return html`<option value="${m.address}"${m.address === selected ? html` selected` : ''}>${label}</option>`;
})}
</select>`;
}

/** A page that only says something (an error, mostly), with the way back to the mail. */
export function simplePage(reply: FastifyReply, status: number, title: string, text?: string): FastifyReply {
  return sendPage(reply, {
    title,
    status,
    body: html`<h1>${title}</h1>${
      text ? html`<p class="notice error" role="alert">${text}</p>` : ''
    }<p><a href="${HOME}">${t('webmail.backToMail')}</a></p>`,
  });
}

/** « Introuvable »: for what does not exist and for what belongs to another mailbox alike. */
export function notFound(reply: FastifyReply): FastifyReply {
  return simplePage(reply, 404, t('webmail.notFound'));
}

export type Order = 'recent' | 'ancien';

export function folderUrl(folder: string, o: { page?: number; order?: Order; notice?: string } = {}): string {
  const query = new URLSearchParams({ d: folder });
  if (o.page && o.page > 1) query.set('page', String(o.page));
  if (o.order === 'ancien') query.set('tri', 'ancien');
  if (o.notice) query.set('info', o.notice);
  return `/webmail/dossier?${query}`;
}

export function messageUrl(
  folder: string,
  uid: number,
  extra: Record<string, string> = {},
  path = '/webmail/message',
): string {
  return `${path}?${new URLSearchParams({ d: folder, uid: String(uid), ...extra })}`;
}

/** Folders by their role (RFC 6154 special use), in French; other folders keep their own name. */
export function folderLabel(folder: Pick<Folder, 'name' | 'specialUse'>): string {
  if (folder.name === 'INBOX') return t('webmail.folder.inbox');
  switch (folder.specialUse) {
    case '\\Sent':
      return t('webmail.folder.sent');
    case '\\Drafts':
      return t('webmail.folder.drafts');
    case '\\Trash':
      return t('webmail.folder.trash');
    default:
      return folder.name;
  }
}

/** INBOX first, then the special folders, then the others by name. */
export function sortFolders<F extends Pick<Folder, 'name' | 'specialUse'>>(folders: F[]): F[] {
  const rank = (f: F) =>
    f.name === 'INBOX' ? 0 : ['\\Sent', '\\Drafts', '\\Trash'].indexOf(f.specialUse ?? '') + 1 || 4;
  return [...folders].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/** « 14:05 » for today, « 28/11/2025 14:05 » otherwise, in the platform's time zone. */
export function shortDate(at: number, now = Date.now()): string {
  const time = hourMinute(at);
  return dayDate(at) === dayDate(now) ? time : `${dayDate(at)} ${time}`;
}

/** « vendredi 28 novembre 2025 à 14:05 », or the header as written when it is not a date. */
export function longDate(header: string | undefined): string {
  if (!header) return '';
  const at = new Date(header.replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isNaN(at.getTime()) ? header : longDateTime(at.getTime());
}

/** « 512 o », « 12 ko », « 1,4 Mo », the space non-breaking. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes}\u00a0o`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)}\u00a0ko`;
  return `${(bytes / (1024 * 1024)).toLocaleString('fr-FR', { maximumFractionDigits: 1 })}\u00a0Mo`;
}
