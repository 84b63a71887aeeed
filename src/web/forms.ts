// What every form of the web shares (account site, runner, webmail, PSC and ISC simulators): urlencoded form
// bodies, the no-store page sender, and labelled fields that show their French error next to them while
// keeping what the user typed. The CSRF token is csrf.ts, cookies cookies.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../i18n/messages.ts';
import { html, page, type SafeHtml } from './html.ts';

export type Form = Record<string, string>;

/** Lets a route scope read `application/x-www-form-urlencoded` bodies as a flat record (last value wins). */
export function acceptForms(scope: FastifyInstance): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );
}

export function formOf(request: FastifyRequest): Form {
  const body = request.body;
  return body && typeof body === 'object' ? (body as Form) : {};
}

/** Sends pages in one area's layout, never cached (they carry CSRF tokens and personal data). */
export function pageSender(
  area: string,
): (reply: FastifyReply, title: string, body: SafeHtml, status?: number) => FastifyReply {
  return (reply, title, body, status = 200) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(page({ title, area, body }));
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
  /**
   * Text of an (i) help bubble next to the label: a <details> that keyboards open and screen readers read with the
   * input.
   */
  help?: string;
}

/** A labelled input; its error is announced and tied to it (aria-invalid, aria-describedby). */
export function field(o: FieldOptions): SafeHtml {
  const id = `f-${o.name}`;
  const described = [o.help ? `${id}-help` : '', o.hint ? `${id}-hint` : '', o.error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const label = html`<label for="${id}">${o.label}${o.required ? ' *' : ''}</label>`;
  const value = o.type === 'password' ? '' : (o.value ?? '');
  const attributes = [
    o.required ? html` required` : '',
    o.autocomplete ? html` autocomplete="${o.autocomplete}"` : '',
    o.inputmode ? html` inputmode="${o.inputmode}"` : '',
    o.autofocus ? html` autofocus` : '',
    o.error ? html` aria-invalid="true"` : '',
    described ? html` aria-describedby="${described}"` : '',
  ];
  return html`<div class="field">
${o.help ? html`<div class="label-row">${label}${helpBubble(o.label, o.help, `${id}-help`)}</div>` : label}
${o.hint ? html`<div class="hint" id="${id}-hint">${o.hint}</div>` : ''}
<input type="${o.type ?? 'text'}" id="${id}" name="${o.name}" value="${value}"${attributes}>
${o.error ? html`<div class="error" id="${id}-error">${o.error}</div>` : ''}
</div>`;
}

/** An (i) help bubble: a <details> that keyboards open; `label` tells screen readers what it explains. */
export function helpBubble(label: string, text: string, textId?: string): SafeHtml {
  const name = html`<span class="visually-hidden">${t('forms.help', { label })}</span>`;
  const summary = html`<summary><span aria-hidden="true">i</span>${name}</summary>`;
  return html`<details class="help">${summary}<p${textId ? html` id="${textId}"` : ''}>${text}</p></details>`;
}

/** A labelled select; `value` picks the selected option. */
export function selectField(o: {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  value?: string | undefined;
  error?: string | undefined;
  required?: boolean;
}): SafeHtml {
  const id = `f-${o.name}`;
  const invalid = o.error ? html` aria-invalid="true" aria-describedby="${id}-error"` : '';
  return html`<div class="field">
<label for="${id}">${o.label}${o.required ? ' *' : ''}</label>
<select id="${id}" name="${o.name}"${o.required ? html` required` : ''}${invalid}>
${o.options.map(
  (opt) =>
    html`<option value="${opt.value}"${opt.value === (o.value ?? '') ? html` selected` : ''}>${opt.label}</option>`,
)}
</select>
${o.error ? html`<div class="error" id="${id}-error">${o.error}</div>` : ''}
</div>`;
}

/** A summary at the top of a form that failed, so that screen readers hear it first. */
export function errorSummary(errors: Record<string, string | undefined>): SafeHtml {
  const list = Object.values(errors).filter((e): e is string => Boolean(e));
  if (!list.length) return html``;
  const items = list.map((e) => html`<li>${e}</li>`);
  return html`<div class="notice error" role="alert"><p>${t('forms.fix')}</p><ul>${items}</ul></div>`;
}
