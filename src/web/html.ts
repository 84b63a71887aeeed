// Server-rendered HTML: a tagged template that escapes every interpolated value unless it is already HTML,
// and the page layout every screen shares (French, one stylesheet, no script unless a page adds its own).
import { t } from '../i18n/messages.ts';
import { dateTime, zoneLabel } from '../i18n/time.ts';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | Interpolation[];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (value instanceof SafeHtml) return value.value;
  return escapeHtml(String(value));
}

/** html`<p>${userText}</p>`: interpolations are escaped; arrays are joined; null/undefined/false vanish. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => (out += render(value) + strings[i + 1]!));
  return new SafeHtml(out);
}

/** A moment as French users read it, in the platform's time zone: 28/11/2025 14:05:09. */
export function frenchDateTime(at: number): string {
  return dateTime(at);
}

/** Marks trusted markup (never user input) as HTML. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** A « Copier » button beside a value; copy.js (which the page loads) shows it and copies the value. */
export function copyButton(value: string, what: string): SafeHtml {
  const label = html`${t('copy.button')}<span class="visually-hidden"> ${what}</span>`;
  const data = html`data-copy="${value}" data-copied="${t('copy.done')}"`;
  return html`<button type="button" class="copy secondary" ${data} hidden>${label}</button>`;
}

/** The French « page introuvable », for what does not exist and what the visitor may not see alike. */
export function notFoundBody(): SafeHtml {
  const home = html`<a href="/">${t('site.notFound.home')}</a>`;
  return html`<h1>${t('site.notFound.title')}</h1><p>${t('site.notFound.text')}</p><p>${home}</p>`;
}

export interface NavLink {
  href: string;
  label: string;
  current?: boolean;
}

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** Extra elements for <head> (a page's own stylesheet or script, say). */
  head?: SafeHtml;
  /** Text shown in the header bar next to the product name. */
  area?: string;
  /** Where the product name leads (the area's home). */
  home?: string;
  /** Links of the area, shown under the header bar. */
  nav?: NavLink[];
  /**
   * The signed-in person: their name and the profile menu's « Déconnexion », a POST that carries `csrf` (the
   * form token of src/web/csrf.ts) when given; without it the account site asks to confirm.
   */
  user?: { name: string; logoutUrl: string; csrf?: string };
}

/** The profile menu: the signed-in person's name and « Déconnexion » (see PageOptions.user). */
function profileMenu(user: NonNullable<PageOptions['user']>): SafeHtml {
  const token = user.csrf ? html`<input type="hidden" name="csrf" value="${user.csrf}">` : '';
  const button = html`<button type="submit">${t('shell.logout')}</button>`;
  const logout = html`<form method="post" action="${user.logoutUrl}">${token}${button}</form>`;
  const label = t('shell.profile', { name: user.name });
  return html`<details class="profile"><summary aria-label="${label}">${user.name}</summary>${logout}</details>`;
}

/** The area's links under the header bar, the current page marked for screen readers. */
function tabs(nav: NavLink[]): SafeHtml {
  const links = nav.map(
    (l) => html`<li><a href="${l.href}"${l.current ? raw(' aria-current="page"') : ''}>${l.label}</a></li>`,
  );
  return html`<nav class="tabs" aria-label="${t('shell.navigation')}"><ul>${links}</ul></nav>`;
}

export function page({ title, body, head, area, home, nav, user }: PageOptions): string {
  return html`<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · motco</title>
<link rel="stylesheet" href="/assets/motco.css">
${head}
</head>
<body>
<a class="skip" href="#contenu">${t('shell.skip')}</a>
<header class="bar">
<a class="brand" href="${home ?? '/'}">motco</a>${area ? html`<span class="area">${area}</span>` : ''}
${user ? profileMenu(user) : ''}
</header>
${nav && nav.length > 0 ? tabs(nav) : ''}
<main id="contenu">
${body}
</main>
<footer class="page-foot"><p>${t('time.shownIn', { zone: zoneLabel() })}</p></footer>
</body>
</html>`.value;
}
