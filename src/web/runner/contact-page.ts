// « Contacter l'agence » (/outil/<account>/contact, manual §1.5): the prepared message (dossier/contact.ts) in
// a form the vendor may edit — sent by the platform when it has an agency address and outgoing mail, else
// opened in the vendor's own mail client (mailto:) or copied.
import type { Config } from '../../config/config.ts';
import { agencyChannel, MAX_BODY, MAX_SUBJECT, mailtoUrl, type AgencyMessage } from '../../dossier/contact.ts';
import { t } from '../../i18n/messages.ts';
import type { Csrf } from '../csrf.ts';
import { errorSummary, field } from '../forms.ts';
import { html, type SafeHtml } from '../html.ts';
import type { Visit } from './access.ts';
import { BOARD_PATH, runnerUrl } from './layout.ts';

export interface ContactInput {
  visit: Visit;
  config: Config;
  message: AgencyMessage;
  dossier: string;
  csrf: { instance: Csrf; token: string };
  errors?: Record<string, string>;
  /** After a send: where it went. */
  sentTo?: string;
}

export function contactBody(input: ContactInput): SafeHtml {
  const { visit, config, message, csrf } = input;
  const id = visit.account.id;
  const { to, sends } = agencyChannel(config);
  const errors = input.errors ?? {};
  const invalid = errors.message ? html` aria-invalid="true" aria-describedby="f-message-error"` : '';
  return html`<p class="crumbs"><a href="${runnerUrl(id, BOARD_PATH)}">${t('board.title')}</a></p>
<h1>${t('contact.title')}</h1>
${input.sentTo ? html`<p class="notice" role="status">${t('contact.sent', { to: input.sentTo })}</p>` : ''}
<p>${t('contact.intro')}</p>
<p>${
    to
      ? html`${t('contact.to')} <a href="${mailtoUrl(to, message)}"><code>${to}</code></a>`
      : html`<span class="notice">${t('contact.noAddress')}</span>`
  }</p>
<form method="get" action="${runnerUrl(id, 'contact')}" class="stack inline-search">
${field({
  name: 'dossier',
  label: t('contact.dossier'),
  value: input.dossier,
  hint: t('contact.dossierHint'),
  autocomplete: 'off',
})}
<p><button type="submit" class="secondary">${t('contact.refresh')}</button></p>
</form>
<form method="post" action="${runnerUrl(id, 'contact')}" class="stack contact-form" novalidate>
${csrf.instance.field(csrf.token)}
<input type="hidden" name="dossier" value="${input.dossier}">
${errorSummary(errors)}
${field({
  name: 'objet',
  label: t('contact.subject.label'),
  value: message.subject,
  error: errors.objet,
  required: true,
  autocomplete: 'off',
  hint: t('contact.subject.hint', { max: MAX_SUBJECT }),
})}
<div class="field">
<label for="f-message">${t('contact.message')} *</label>
<textarea id="f-message" name="message" rows="18" maxlength="${MAX_BODY}" required${invalid}>${message.body}</textarea>
${errors.message ? html`<div class="error" id="f-message-error">${errors.message}</div>` : ''}
</div>
<p class="actions">${sends ? html`<button type="submit">${t('contact.send')}</button>` : ''}
<a class="button${sends ? ' secondary' : ''}" href="${mailtoUrl(to, message)}">${t('contact.mailto')}</a>
<button type="button" class="secondary" data-copy-from="f-message" hidden>${t('copy.button')}</button></p>
<p class="hint">${t(sends ? 'contact.sendsHint' : 'contact.mailtoHint')}</p>
</form>`;
}
