// How one gets into the webmail. From the account site: the vendor signed in there opens one of its
// organisation's mailboxes (a POST with the platform's CSRF token, from the account page or the webmail's
// mailbox switcher), with no password to type; the mailbox must be one its accounts have or had, so a vendor
// naming another's address gets « Introuvable », as for one that does not exist. With a password: only when
// the operator set the manual's shared password (`webmailPassword`), the form of old, judged by the mail
// endpoints' own Authenticator as a SASL PLAIN without client certificate would be (the shared password or
// the mailbox's own); an unknown address and a wrong password get the same answer.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../i18n/messages.ts';
import { refuseForgedForm } from '../web/csrf.ts';
import { field, formOf } from '../web/forms.ts';
import { html } from '../web/html.ts';
import { folderUrl, LOGIN_URL, mailboxChoice, notFound, OPEN_URL, sendPage, simplePage } from './layout.ts';
import type { WebmailDeps } from './routes.ts';

/** Where the account site's login brings a vendor back to: its accounts, whose pages open the webmail. */
const SITE_LOGIN = '/connexion?retour=%2Fcomptes';

export async function loginPage(
  deps: WebmailDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  address = '',
  refused = false,
): Promise<FastifyReply> {
  if (!refused && (await deps.sessions.mailbox(request))) return reply.redirect(folderUrl('INBOX'), 303);
  const token = deps.csrf.token(request, reply);
  const mine = await deps.vendorMailboxes(request);
  const fromSite = mine
    ? mine.length > 0
      ? html`<h2>${t('webmail.open.yours')}</h2>
<form class="stack" method="post" action="${OPEN_URL}">
${deps.csrf.field(token)}
${mailboxChoice(mine, undefined)}
<p><button type="submit">${t('webmail.open.submit')}</button></p>
</form>`
      : html`<p>${t('webmail.open.none')}</p>`
    : html`<p><a class="button" href="${SITE_LOGIN}">${t('webmail.open.signIn')}</a></p>`;
  const passwordForm = deps.config.webmailPassword
    ? html`<h2>${t('webmail.login.withPassword')}</h2>
<p>${t('webmail.login.intro')}</p>
${refused ? html`<p class="notice error" role="alert">${t('webmail.login.refused')}</p>` : ''}
<form class="stack" method="post" action="${LOGIN_URL}">
${deps.csrf.field(token)}
${field({
  name: 'adresse',
  label: t('webmail.login.address'),
  type: 'email',
  value: address,
  required: true,
  autocomplete: 'username',
  autofocus: !address,
  hint: t('webmail.login.addressHint', { domain: deps.config.mailDomain }),
})}
${field({
  name: 'motdepasse',
  label: t('webmail.login.password'),
  type: 'password',
  required: true,
  autocomplete: 'current-password',
  autofocus: Boolean(address),
})}
<p><button type="submit">${t('webmail.login.submit')}</button></p>
</form>`
    : '';
  return sendPage(reply, {
    title: t('webmail.login.title'),
    status: refused ? 401 : 200,
    body: html`<h1>${t('webmail.login.title')}</h1>
<p>${t('webmail.open.intro')}</p>
${fromSite}
${passwordForm}`,
  });
}

/** The password form: there only when the operator set the shared password. */
export async function login(deps: WebmailDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (!deps.config.webmailPassword) return notFound(reply);
  const form = formOf(request);
  if (!deps.csrf.valid(request, form)) return refuseForgedForm(reply, deps.send);
  const address = (form.adresse ?? '').trim();
  const decision = await deps.authenticator.decide(
    { mechanism: 'PLAIN', authzid: '', user: address, password: form.motdepasse ?? '', initialResponse: true },
    undefined,
  );
  if (!decision.ok || !decision.mailbox) return loginPage(deps, request, reply, address, true);
  await deps.sessions.start(request, reply, decision.mailbox);
  return reply.redirect(folderUrl('INBOX'), 303);
}

/** Opens (or switches to) a mailbox of the vendor signed in on the account site. */
export async function open(deps: WebmailDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const form = formOf(request);
  if (!deps.csrf.valid(request, form)) return refuseForgedForm(reply, deps.send);
  const mine = await deps.vendorMailboxes(request);
  if (!mine) return simplePage(reply, 401, t('webmail.open.signedOutTitle'), t('webmail.open.signedOut'));
  const wanted = (form.adresse ?? '').trim();
  const mailbox = mine.some((m) => m.address === wanted) ? await deps.mailboxes.find(wanted) : undefined;
  if (!mailbox) return notFound(reply);
  await deps.sessions.start(request, reply, mailbox);
  return reply.redirect(folderUrl('INBOX'), 303);
}

export async function logout(deps: WebmailDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (!deps.csrf.valid(request, formOf(request))) return refuseForgedForm(reply, deps.send);
  await deps.sessions.end(request, reply);
  return reply.redirect(LOGIN_URL, 303);
}
