// What the identity pages share: urlencoded form bodies, cookies, a per-session CSRF token, and labelled
// fields that show their French error next to them while keeping what the user typed.
import { createHmac, randomBytes } from 'node:crypto';
import { sameSecret } from '../../auth/secret.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html, page, type SafeHtml } from '../../web/html.ts';
import { t } from '../../i18n/messages.ts';

export type Form = Record<string, string>;

/** Lets a route scope read `application/x-www-form-urlencoded` bodies as a flat record (last value wins). */
export function acceptForms(scope: FastifyInstance): void {
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
}

export function formOf(request: FastifyRequest): Form {
  const body = request.body;
  return body && typeof body === 'object' ? (body as Form) : {};
}

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export function setCookie(reply: FastifyReply, name: string, value: string, options: { path?: string; secure: boolean; maxAgeSeconds?: number }): void {
  const attributes = [`${name}=${encodeURIComponent(value)}`, `Path=${options.path ?? '/'}`, 'HttpOnly', 'SameSite=Lax'];
  if (options.secure) attributes.push('Secure');
  if (options.maxAgeSeconds !== undefined) attributes.push(`Max-Age=${options.maxAgeSeconds}`);
  const previous = reply.getHeader('set-cookie');
  const list = previous === undefined ? [] : Array.isArray(previous) ? previous.map(String) : [String(previous)];
  reply.header('set-cookie', [...list, attributes.join('; ')]);
}

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
      request.headers.cookie = `${request.headers.cookie ? request.headers.cookie + '; ' : ''}${SESSION_COOKIE}=${session}`;
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

/** Sends pages in one area's layout, never cached (they carry CSRF tokens and personal data). */
export function pageSender(area: string): (reply: FastifyReply, title: string, body: SafeHtml, status?: number) => FastifyReply {
  return (reply, title, body, status = 200) =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page({ title, area, body }));
}

/** The answer to a form whose CSRF token is missing or wrong (an expired page, or another site's form). */
export function refuseForgedForm(reply: FastifyReply, send: ReturnType<typeof pageSender>): FastifyReply {
  return send(reply, t('forms.csrfTitle'), html`<h1>${t('forms.csrfTitle')}</h1><p class="error" role="alert">${t('forms.csrf')}</p>`, 403);
}

export interface FieldOptions {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  type?: 'text' | 'password' | 'email' | 'tel';
  required?: boolean;
  hint?: string;
  autocomplete?: string;
  inputmode?: 'numeric';
  autofocus?: boolean;
  /** Text of an (i) help bubble next to the label: a <details> that keyboards open and screen readers read with the input. */
  help?: string;
}

/** A labelled input; its error is announced and tied to it (aria-invalid, aria-describedby). */
export function field(o: FieldOptions): SafeHtml {
  const id = `f-${o.name}`;
  const described = [o.help ? `${id}-help` : '', o.hint ? `${id}-hint` : '', o.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const label = html`<label for="${id}">${o.label}${o.required ? ' *' : ''}</label>`;
  return html`<div class="field">
${o.help ? html`<div class="label-row">${label}<details class="help"><summary><span aria-hidden="true">i</span><span class="visually-hidden">${t('forms.help', { label: o.label })}</span></summary><p id="${id}-help">${o.help}</p></details></div>` : label}
${o.hint ? html`<div class="hint" id="${id}-hint">${o.hint}</div>` : ''}
<input type="${o.type ?? 'text'}" id="${id}" name="${o.name}" value="${o.type === 'password' ? '' : (o.value ?? '')}"${o.required ? html` required` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.inputmode ? html` inputmode="${o.inputmode}"` : ''}${o.autofocus ? html` autofocus` : ''}${o.error ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}>
${o.error ? html`<div class="error" id="${id}-error">${o.error}</div>` : ''}
</div>`;
}

/** A labelled select; `value` picks the selected option. */
export function selectField(o: { name: string; label: string; options: { value: string; label: string }[]; value?: string | undefined; error?: string | undefined; required?: boolean }): SafeHtml {
  const id = `f-${o.name}`;
  return html`<div class="field">
<label for="${id}">${o.label}${o.required ? ' *' : ''}</label>
<select id="${id}" name="${o.name}"${o.required ? html` required` : ''}${o.error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
${o.options.map((opt) => html`<option value="${opt.value}"${opt.value === (o.value ?? '') ? html` selected` : ''}>${opt.label}</option>`)}
</select>
${o.error ? html`<div class="error" id="${id}-error">${o.error}</div>` : ''}
</div>`;
}

/** A summary at the top of a form that failed, so that screen readers hear it first. */
export function errorSummary(errors: Record<string, string | undefined>): SafeHtml {
  const list = Object.values(errors).filter((e): e is string => Boolean(e));
  if (!list.length) return html``;
  return html`<div class="notice error" role="alert"><p>${t('forms.fix')}</p><ul>${list.map((e) => html`<li>${e}</li>`)}</ul></div>`;
}
