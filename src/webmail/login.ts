// Login and logout. The password is judged by the mail endpoints' own Authenticator, as a SASL PLAIN
// without TLS client certificate would be: the same rule (and the same configured secret) as IMAP and SMTP.
// An unknown address and a wrong password get the same answer, so the form tells nobody which mailboxes exist.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../i18n/messages.ts';
import { field, formOf, refuseForgedForm } from '../identity/web/forms.ts';
import { html } from '../web/html.ts';
import { folderUrl, LOGIN_URL, sendPage } from './layout.ts';
import type { WebmailDeps } from './routes.ts';

export async function loginPage(deps: WebmailDeps, request: FastifyRequest, reply: FastifyReply, address = '', refused = false): Promise<FastifyReply> {
  if (!refused && (await deps.sessions.mailbox(request))) return reply.redirect(folderUrl('INBOX'), 303);
  const token = deps.csrf.token(request, reply);
  return sendPage(reply, {
    title: t('webmail.login.title'),
    status: refused ? 401 : 200,
    body: html`<h1>${t('webmail.login.title')}</h1>
<p>${t('webmail.login.intro')}</p>
${refused ? html`<p class="notice error" role="alert">${t('webmail.login.refused')}</p>` : ''}
<form class="stack" method="post" action="${LOGIN_URL}">
${deps.csrf.field(token)}
${field({ name: 'adresse', label: t('webmail.login.address'), type: 'email', value: address, required: true, autocomplete: 'username', autofocus: !address, hint: t('webmail.login.addressHint', { domain: deps.config.mailDomain }) })}
${field({ name: 'motdepasse', label: t('webmail.login.password'), type: 'password', required: true, autocomplete: 'current-password', autofocus: Boolean(address) })}
<p><button type="submit">${t('webmail.login.submit')}</button></p>
</form>`,
  });
}

export async function login(deps: WebmailDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const form = formOf(request);
  if (!deps.csrf.valid(request, form)) return refuseForgedForm(reply, deps.send);
  const address = (form.adresse ?? '').trim();
  const decision = await deps.authenticator.decide({ mechanism: 'PLAIN', authzid: '', user: address, password: form.motdepasse ?? '', initialResponse: true }, undefined);
  if (!decision.ok || !decision.mailbox) return loginPage(deps, request, reply, address, true);
  deps.sessions.start(request, reply, decision.mailbox);
  return reply.redirect(folderUrl('INBOX'), 303);
}

export async function logout(deps: WebmailDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (!deps.csrf.valid(request, formOf(request))) return refuseForgedForm(reply, deps.send);
  deps.sessions.end(request, reply);
  return reply.redirect(LOGIN_URL, 303);
}
