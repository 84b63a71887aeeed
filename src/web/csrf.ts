// CSRF protection shared by every form of the web (account site, runner, webmail, PSC and ISC simulators):
// one token per browser session, and the page that answers a forged or expired form.
import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sameSecret } from '../auth/secret.ts';
import { t } from '../i18n/messages.ts';
import { readCookie, setCookie } from './cookies.ts';
import type { Form, pageSender } from './forms.ts';
import { html, type SafeHtml } from './html.ts';

const SESSION_COOKIE = 'motco_form_session';

/**
 * CSRF protection for every form: a random session cookie (HttpOnly, SameSite=Lax) and, in each form, an HMAC
 * of it under a server key. A page from another site can neither read the cookie nor compute the token.
 */
export class Csrf {
  constructor(
    private readonly key: string,
    private readonly secureCookies: boolean,
  ) {}

  /** The token to put in the page's forms; starts the session if the browser has none. */
  token(request: FastifyRequest, reply: FastifyReply): string {
    let session = readCookie(request, SESSION_COOKIE);
    if (!session || !/^[\w-]{20,}$/.test(session)) {
      session = randomBytes(24).toString('base64url');
      setCookie(reply, SESSION_COOKIE, session, { secure: this.secureCookies });
      // Reads in the same request (a page rendered right after) see the new session.
      const others = request.headers.cookie ? `${request.headers.cookie}; ` : '';
      request.headers.cookie = `${others}${SESSION_COOKIE}=${session}`;
    }
    return this.sign(session);
  }

  valid(request: FastifyRequest, form: Form): boolean {
    const session = readCookie(request, SESSION_COOKIE);
    if (!session || !form.csrf) return false;
    return sameSecret(form.csrf, this.sign(session));
  }

  /** The hidden field every form carries. */
  field(token: string): SafeHtml {
    return html`<input type="hidden" name="csrf" value="${token}">`;
  }

  private sign(session: string): string {
    return createHmac('sha256', this.key).update(session).digest('base64url');
  }
}

/** The answer to a form whose CSRF token is missing or wrong (an expired page, or another site's form). */
export function refuseForgedForm(reply: FastifyReply, send: ReturnType<typeof pageSender>): FastifyReply {
  return send(
    reply,
    t('forms.csrfTitle'),
    html`<h1>${t('forms.csrfTitle')}</h1><p class="error" role="alert">${t('forms.csrf')}</p>`,
    403,
  );
}
