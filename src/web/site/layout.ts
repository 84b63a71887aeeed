// What every page of the account site and of the agency review shares: who is signed in (the web session),
// who may see a page (others are sent to the login, or get the French « page introuvable »), the shell with
// the navigation of the user's role and a profile menu whose « Déconnexion » carries a CSRF token, and the
// headers of personal pages (never cached; a Content-Security-Policy that allows no inline script).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PlatformUser, Role } from '../../accounts/directory.ts';
import type { WebSessions } from '../../auth/index.ts';
import { t } from '../../i18n/messages.ts';
import type { Csrf } from '../csrf.ts';
import { html, notFoundBody, page, type NavLink, type SafeHtml } from '../html.ts';

export const LOGIN_URL = '/connexion';
export const LOGOUT_URL = '/deconnexion';
export const VENDORS: readonly Role[] = ['vendor'];
export const REVIEWERS: readonly Role[] = ['reviewer', 'admin'];

/** Where a user lands after signing in (and from the home page): vendors their accounts, the agency the review. */
export function landing(user: PlatformUser): string {
  return user.role === 'vendor' ? '/comptes' : '/revue';
}

export function displayName(user: PlatformUser): string {
  return [user.givenName, user.familyName].filter(Boolean).join(' ') || user.login;
}

/** Sends a signed-out visitor to the login, which brings them back to this page. */
export function toLogin(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.redirect(`${LOGIN_URL}?retour=${encodeURIComponent(request.url)}`, 303);
}

/**
 * Headers of personal pages: never cached; scripts, styles and forms from this origin only (the logout goes on to
 * ISC).
 */
export function securityHeaders(iscOrigin: string): Record<string, string> {
  return {
    'cache-control': 'no-store',
    'content-security-policy':
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; " +
      `base-uri 'none'; frame-ancestors 'none'; form-action 'self' ${iscOrigin}`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
  };
}

export interface SitePage {
  title: string;
  body: SafeHtml;
  user?: PlatformUser | undefined;
  status?: number;
  /** Loads copy.js (« Copier » buttons beside values). */
  copy?: boolean;
}

export class SiteLayout {
  private readonly headers: Record<string, string>;

  constructor(
    private readonly sessions: WebSessions,
    readonly csrf: Csrf,
    /** Origin of the ISC login and logout pages the site's forms and redirects lead to. */
    iscOrigin: string,
  ) {
    this.headers = securityHeaders(iscOrigin);
  }

  user(request: FastifyRequest): Promise<PlatformUser | undefined> {
    return this.sessions.sessionUser(request);
  }

  /**
   * The signed-in user when their role may see the page. Otherwise the answer is sent and undefined returned:
   * the login for a visitor (coming back to this page), « page introuvable » for another role — as for a
   * page that does not exist.
   */
  async guard(request: FastifyRequest, reply: FastifyReply, roles: readonly Role[]): Promise<PlatformUser | undefined> {
    const user = await this.user(request);
    if (!user) {
      void toLogin(request, reply);
      return undefined;
    }
    if (!roles.includes(user.role)) {
      this.notFound(request, reply, user);
      return undefined;
    }
    return user;
  }

  send(request: FastifyRequest, reply: FastifyReply, p: SitePage): FastifyReply {
    const user = p.user;
    const path = request.url.split('?')[0]!;
    const nav: NavLink[] = !user
      ? []
      : user.role === 'vendor'
        ? [
            { href: '/comptes', label: t('site.nav.accounts') },
            { href: '/mon-poste', label: t('site.nav.preflight') },
          ]
        : [{ href: '/revue', label: t('review.nav') }];
    for (const link of nav) link.current = path === link.href || path.startsWith(`${link.href}/`);
    const body = page({
      title: p.title,
      body: p.body,
      area: user && user.role !== 'vendor' ? t('review.area') : t('site.area'),
      home: '/',
      nav,
      ...(p.copy ? { head: html`<script src="/assets/copy.js" defer></script>` } : {}),
      ...(user
        ? { user: { name: displayName(user), logoutUrl: LOGOUT_URL, csrf: this.csrf.token(request, reply) } }
        : {}),
    });
    return reply
      .code(p.status ?? 200)
      .headers(this.headers)
      .type('text/html; charset=utf-8')
      .send(body);
  }

  notFound(request: FastifyRequest, reply: FastifyReply, user: PlatformUser | undefined): FastifyReply {
    return this.send(request, reply, {
      title: t('site.notFound.title'),
      user,
      status: 404,
      body: notFoundBody(),
    });
  }
}

/**
 * A cell of a `table.stack`: on a narrow screen each row becomes a card and the cell shows its column's name
 * (`data-label`) beside its value (the <div>).
 */
export function cell(label: string, content: SafeHtml | string | null): SafeHtml {
  return html`<td data-label="${label}"><div>${content}</div></td>`;
}

/** A positive integer id from a path segment, or undefined (the page then answers 404). */
export function idOf(text: string): number | undefined {
  return /^[1-9]\d{0,9}$/.test(text) ? Number(text) : undefined;
}
