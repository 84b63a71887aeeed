// The ISC simulator's pages: login (user name + password), the e-mailed code with "Envoyer un nouveau code",
// the consent page listing what is shared with the tool (Accepter / Refuser), the development outbox,
// and the admin page that creates organisations and vendor users (HTTP Basic, user "admin"). The outbox holds
// every user's login codes: it is the admin's, like the admin page. Wrong passwords and codes are throttled
// per login and per client address (throttle.ts); new codes per attempt are limited.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sameSecret } from '../../auth/secret.ts';
import { t } from '../../i18n/messages.ts';
import { dateTime } from '../../i18n/time.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import type { ProviderHolder } from '../oidc.ts';
import { refuseForgedForm, type Csrf } from '../../web/csrf.ts';
import { errorSummary, field, formOf, pageSender, selectField, type Form } from '../../web/forms.ts';
import type { LoginCodes } from './codes.ts';
import {
  IscDirectoryError,
  type IscDirectory,
  type OrganisationInput,
  type UserInput,
  type VendorUser,
} from './directory.ts';
import type { Mailer } from './mailer.ts';
import type { LoginThrottle, ThrottleSettings } from './throttle.ts';

export interface IscPagesOptions {
  issuer: string;
  holder: ProviderHolder;
  directory: IscDirectory;
  codes: LoginCodes;
  mailer: Mailer;
  csrf: Csrf;
  adminPassword: string;
  codeTtlSeconds: number;
  throttle: LoginThrottle;
  throttleSettings: ThrottleSettings;
  /** What the consent page names the relying party. */
  clientName: string;
}

const send = pageSender(t('isc.area'));

export function registerIscPages(scope: FastifyInstance, o: IscPagesOptions): void {
  registerLogin(scope, o);
  registerOutbox(scope, o);
  registerAdmin(scope, o);
}

type Params = { Params: { uid: string } };

function registerLogin(scope: FastifyInstance, o: IscPagesOptions): void {
  const details = async (request: FastifyRequest<Params>, reply: FastifyReply) => {
    try {
      const interaction = await o.holder.provider.interactionDetails(request.raw, reply.raw);
      return interaction.uid === request.params.uid ? interaction : undefined;
    } catch {
      return undefined;
    }
  };
  const expired = (reply: FastifyReply) =>
    send(
      reply,
      t('isc.login.title'),
      html`<h1>${t('isc.login.title')}</h1><p class="error" role="alert">${t('oidc.interactionExpired')}</p>`,
      400,
    );
  const base = (uid: string) => `/isc/connexion/${encodeURIComponent(uid)}`;
  /** The user who reached the code step of this attempt, if any. */
  const codeUser = async (uid: string) => {
    const userId = await o.codes.userAt(uid);
    return userId === undefined ? undefined : o.directory.userById(userId);
  };

  /** Sends the French « Trop de tentatives » answer (429, Retry-After) through `page`. */
  const tooMany = (reply: FastifyReply, seconds: number, page: (message: string) => FastifyReply) => {
    const minutes = Math.ceil(seconds / 60);
    reply.header('retry-after', String(seconds));
    return page(minutes <= 1 ? t('isc.throttle.minute') : t('isc.throttle.minutes', { minutes }));
  };

  const loginPage = (
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    login = '',
    error?: string,
    status = 401,
  ) => {
    const token = o.csrf.token(request, reply);
    return send(
      reply,
      t('isc.login.title'),
      html`<h1>${t('isc.login.title')}</h1>
<p>${t('isc.login.intro')}</p>
<p class="hint">${t('forms.requiredNote')}</p>
${error ? html`<p class="notice error" role="alert">${error}</p>` : ''}
<form class="stack" method="post" action="${base(request.params.uid)}/identifiants">
${o.csrf.field(token)}
${field({
  name: 'login',
  label: t('isc.login.user'),
  value: login,
  required: true,
  autocomplete: 'username',
  autofocus: !login,
})}
${field({
  name: 'password',
  label: t('isc.login.password'),
  type: 'password',
  required: true,
  autocomplete: 'current-password',
  autofocus: Boolean(login),
  hint: t('isc.login.passwordHint'),
})}
<p><button type="submit">${t('isc.login.submit')}</button></p>
</form>`,
      error ? status : 200,
    );
  };

  const codePage = (
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    user: VendorUser,
    options: { error?: string; notice?: string; status?: number } = {},
  ) => {
    const token = o.csrf.token(request, reply);
    const minutes = Math.max(1, Math.round(o.codeTtlSeconds / 60));
    return send(
      reply,
      t('isc.code.title'),
      html`<h1>${t('isc.code.title')}</h1>
<p class="hint">${t('forms.requiredNote')}</p>
<div class="notice" role="status"><p><strong>${options.notice ?? t('isc.code.sent')}</strong></p>
<p>${t('isc.code.explain', { minutes })}</p>
${
  o.mailer.usesOutbox
    ? html`<p>${t('isc.code.outbox')} <a
    href="/isc/dev/boite-d-envoi">${t('isc.outbox.title')}</a> ${t('isc.code.outboxAdmin')}</p>`
    : ''
}</div>
${options.error ? html`<p class="notice error" role="alert">${options.error}</p>` : ''}
<form class="stack" method="post" action="${base(request.params.uid)}/code">
${o.csrf.field(token)}
<div class="field"><label for="f-user">${t('isc.login.user')}</label><input type="text" id="f-user"
  value="${user.login}" readonly></div>
${field({
  name: 'code',
  label: t('isc.code.label'),
  required: true,
  inputmode: 'numeric',
  autocomplete: 'one-time-code',
  hint: t('isc.code.hint'),
  error: options.error,
  autofocus: true,
})}
<p><button type="submit">${t('isc.code.submit')}</button></p>
</form>
<form method="post" action="${base(request.params.uid)}/nouveau-code">${o.csrf.field(token)}<button type="submit"
  class="secondary">${t('isc.code.resend')}</button></form>`,
      options.error ? (options.status ?? 400) : 200,
    );
  };

  const consentPage = (request: FastifyRequest<Params>, reply: FastifyReply, user: VendorUser) => {
    const token = o.csrf.token(request, reply);
    return send(
      reply,
      t('isc.consent.title', { client: o.clientName }),
      html`<h1>${t('isc.consent.title', { client: o.clientName })}</h1>
<p>${t('isc.consent.account')} <strong>${user.login}</strong> (${user.email})</p>
<p>${t('isc.consent.intro', { client: o.clientName })}</p>
<ul>
<li>${t('isc.consent.login')}</li><li>${t('isc.consent.civilite')}</li><li>${t('isc.consent.given')}</li>
<li>${t('isc.consent.family')}</li><li>${t('isc.consent.organisation')}</li>
</ul>
<form method="post" action="${base(request.params.uid)}/consentement">
${o.csrf.field(token)}
<p><button type="submit" name="decision" value="refuse" class="secondary">${t('isc.consent.refuse')}</button>
<button type="submit" name="decision" value="accept">${t('isc.consent.accept')}</button></p>
</form>
<p><a href="${o.issuer}/protocol/openid-connect/logout">${t('isc.consent.logout')}</a></p>`,
    );
  };

  scope.get<Params>('/isc/connexion/:uid', async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction) return expired(reply);
    if (interaction.prompt.name === 'consent') {
      const user = interaction.session?.accountId ? await o.directory.user(interaction.session.accountId) : undefined;
      return user ? consentPage(request, reply, user) : expired(reply);
    }
    const user = await codeUser(interaction.uid);
    return user ? codePage(request, reply, user) : loginPage(request, reply);
  });

  scope.post<Params>('/isc/connexion/:uid/identifiants', async (request, reply) => {
    const form = formOf(request);
    if (!o.csrf.valid(request, form)) return refuseForgedForm(reply, send);
    const interaction = await details(request, reply);
    if (interaction?.prompt.name !== 'login') return expired(reply);
    const login = form.login ?? '';
    const keys = { login, address: request.ip };
    // While throttled even the right password is refused: the answer must not tell which one it was.
    const wait = await o.throttle.blockedFor(keys);
    if (wait) return tooMany(reply, wait, (message) => loginPage(request, reply, login, message, 429));
    // One message whichever of the two was wrong: the page must not tell which logins exist.
    const user = await o.directory.authenticate(login, form.password ?? '');
    if (!user) {
      await o.throttle.failed(keys);
      return loginPage(request, reply, login, t('isc.login.wrong'));
    }
    const allowed = await o.codes.mayIssue(interaction.uid, resendLimits(o));
    // The password again on an attempt that already has a code: go on with that code.
    if (allowed.ok) await sendCode(o, interaction.uid, user);
    return reply.redirect(base(interaction.uid), 303);
  });

  scope.post<Params>('/isc/connexion/:uid/nouveau-code', async (request, reply) => {
    const form = formOf(request);
    if (!o.csrf.valid(request, form)) return refuseForgedForm(reply, send);
    const interaction = await details(request, reply);
    const user = interaction ? await codeUser(interaction.uid) : undefined;
    if (!interaction || !user) return expired(reply);
    const allowed = await o.codes.mayIssue(interaction.uid, resendLimits(o));
    if (!allowed.ok) {
      if (allowed.reason === 'wait') reply.header('retry-after', String(allowed.seconds));
      const error =
        allowed.reason === 'wait' ? t('isc.code.resendWait', { seconds: allowed.seconds }) : t('isc.code.resendLimit');
      return codePage(request, reply, user, { error, status: 429 });
    }
    await sendCode(o, interaction.uid, user);
    return codePage(request, reply, user, { notice: t('isc.code.resent') });
  });

  scope.post<Params>('/isc/connexion/:uid/code', async (request, reply) => {
    const form = formOf(request);
    if (!o.csrf.valid(request, form)) return refuseForgedForm(reply, send);
    const interaction = await details(request, reply);
    if (interaction?.prompt.name !== 'login') return expired(reply);
    const user = await codeUser(interaction.uid);
    if (!user) return loginPage(request, reply);
    const keys = { login: user.login, address: request.ip };
    const wait = await o.throttle.blockedFor(keys);
    if (wait) return tooMany(reply, wait, (message) => codePage(request, reply, user, { error: message, status: 429 }));
    const result = await o.codes.check(interaction.uid, form.code ?? '');
    if (!result.ok) {
      if (result.reason === 'wrong' || result.reason === 'too_many') await o.throttle.failed(keys);
      return codePage(request, reply, user, { error: t(`isc.code.${result.reason}`) });
    }
    await o.throttle.succeeded(user.login);
    const to = await o.holder.provider.interactionResult(
      request.raw,
      reply.raw,
      { login: { accountId: user.login } },
      { mergeWithLastSubmission: false },
    );
    return reply.redirect(to, 303);
  });

  scope.post<Params>('/isc/connexion/:uid/consentement', async (request, reply) => {
    const form = formOf(request);
    if (!o.csrf.valid(request, form)) return refuseForgedForm(reply, send);
    const interaction = await details(request, reply);
    if (interaction?.prompt.name !== 'consent' || !interaction.session?.accountId) return expired(reply);
    const provider = o.holder.provider;
    if (form.decision !== 'accept') {
      const to = await provider.interactionResult(
        request.raw,
        reply.raw,
        { error: 'access_denied', error_description: 'the user refused to share their data' },
        { mergeWithLastSubmission: false },
      );
      return reply.redirect(to, 303);
    }
    const grant =
      (interaction.grantId && (await provider.Grant.find(interaction.grantId))) ||
      new provider.Grant({ accountId: interaction.session.accountId, clientId: String(interaction.params.client_id) });
    grant.addOIDCScope(String(interaction.params.scope ?? 'openid'));
    const grantId = await grant.save();
    const to = await provider.interactionResult(
      request.raw,
      reply.raw,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
    return reply.redirect(to, 303);
  });
}

const resendLimits = (o: IscPagesOptions) => ({
  maxResends: o.throttleSettings.maxCodeResends,
  intervalSeconds: o.throttleSettings.codeResendIntervalSeconds,
});

async function sendCode(o: IscPagesOptions, uid: string, user: VendorUser): Promise<void> {
  const code = await o.codes.issue(uid, user.id);
  const minutes = Math.max(1, Math.round(o.codeTtlSeconds / 60));
  await o.mailer.send({
    to: user.email,
    subject: t('isc.mail.subject'),
    text: t('isc.mail.body', { login: user.login, code, minutes }),
  });
}

/** HTTP Basic as user "admin" with the ISC admin password. */
function isAdmin(o: IscPagesOptions, request: FastifyRequest): boolean {
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!basic) return false;
  return sameSecret(Buffer.from(basic, 'base64').toString('utf8'), `admin:${o.adminPassword}`);
}

/** The answer to a request without the admin's credentials: the browser asks for them. */
function askAdminCredentials(reply: FastifyReply): FastifyReply {
  reply.header('www-authenticate', 'Basic realm="motco ISC admin", charset="UTF-8"');
  return send(
    reply,
    t('isc.admin.title'),
    html`<h1>${t('isc.admin.title')}</h1><p class="error" role="alert">${t('isc.admin.credentials')}</p>`,
    401,
  );
}

function registerOutbox(scope: FastifyInstance, o: IscPagesOptions): void {
  scope.get('/isc/dev/boite-d-envoi', async (request, reply) => {
    if (!isAdmin(o, request)) return askAdminCredentials(reply);
    if (!o.mailer.usesOutbox)
      return send(
        reply,
        t('isc.outbox.title'),
        html`<h1>${t('isc.outbox.title')}</h1><p>${t('isc.outbox.disabled')}</p>`,
        404,
      );
    const mails = await o.mailer.outbox();
    return send(
      reply,
      t('isc.outbox.title'),
      html`<h1>${t('isc.outbox.title')}</h1><p>${t('isc.outbox.intro')}</p>
${
  mails.length
    ? mails.map(
        (m) => html`<article class="mail" aria-labelledby="mail-${m.id}"><h2 id="mail-${m.id}">${m.subject}</h2>
<p>${t('isc.outbox.to')} <strong>${m.recipient}</strong> &mdash; ${dateTime(m.at)}</p><pre>${m.body}</pre></article>`,
      )
    : html`<p>${t('isc.outbox.empty')}</p>`
}`,
    );
  });
}

function registerAdmin(scope: FastifyInstance, o: IscPagesOptions): void {
  scope.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/isc/admin') && !isAdmin(o, request)) return askAdminCredentials(reply);
  });

  type Errors = Record<string, string | undefined>;
  const adminPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: { org?: Form; orgErrors?: Errors; user?: Form; userErrors?: Errors; notice?: SafeHtml } = {},
  ) => {
    const token = o.csrf.token(request, reply);
    const [organisations, users] = await Promise.all([o.directory.organisations(), o.directory.users()]);
    const org = state.org ?? {};
    const orgErrors = state.orgErrors ?? {};
    const user = state.user ?? {};
    const userErrors = state.userErrors ?? {};
    return send(
      reply,
      t('isc.admin.title'),
      html`<h1>${t('isc.admin.title')}</h1>
${state.notice ? html`<div class="notice" role="status">${state.notice}</div>` : ''}
<h2 id="orgs">${t('isc.admin.organisations')}</h2>
${
  organisations.length
    ? html`<table aria-labelledby="orgs"><thead><tr><th scope="col">${t('isc.admin.raisonSociale')}</th>
<th scope="col">${t('isc.admin.immatriculation')}</th><th scope="col">${t('isc.admin.telephone')}</th>
<th scope="col">${t('isc.admin.adresse')}</th></tr></thead>
<tbody>${organisations.map(
        (g) => html`<tr><td>${g.raisonSociale}</td><td>${g.immatriculation}</td><td>${g.telephone ?? ''}</td>
<td>${g.adresse ?? ''}</td></tr>`,
      )}</tbody></table>`
    : html`<p>${t('isc.admin.none')}</p>`
}
<h3>${t('isc.admin.newOrganisation')}</h3>
<form class="stack" method="post" action="/isc/admin/organisations" novalidate>
${o.csrf.field(token)}${errorSummary(orgErrors)}
${field({
  name: 'raisonSociale',
  label: t('isc.admin.raisonSociale'),
  value: org.raisonSociale,
  error: orgErrors.raisonSociale,
  required: true,
})}
${field({
  name: 'immatriculation',
  label: t('isc.admin.immatriculation'),
  value: org.immatriculation,
  error: orgErrors.immatriculation,
  required: true,
  inputmode: 'numeric',
  hint: t('isc.admin.immatriculationHint'),
})}
${field({
  name: 'telephone',
  label: t('isc.admin.telephone'),
  type: 'tel',
  value: org.telephone,
  error: orgErrors.telephone,
})}
${field({ name: 'adresse', label: t('isc.admin.adresse'), value: org.adresse, error: orgErrors.adresse })}
<p><button type="submit">${t('isc.admin.createOrganisation')}</button></p>
</form>
<h2 id="users">${t('isc.admin.users')}</h2>
${
  users.length
    ? html`<table aria-labelledby="users"><thead><tr><th scope="col">${t('isc.login.user')}</th>
<th scope="col">${t('isc.admin.name')}</th><th scope="col">${t('isc.admin.email')}</th>
<th scope="col">${t('isc.admin.organisation')}</th></tr></thead>
<tbody>${users.map(
        (u) => html`<tr><td>${u.login}</td><td>${u.civilite ? `${u.civilite} ` : ''}${u.givenName} ${u.familyName}</td>
<td>${u.email}</td><td>${u.organisation.raisonSociale}</td></tr>`,
      )}</tbody></table>`
    : html`<p>${t('isc.admin.none')}</p>`
}
<h3>${t('isc.admin.newUser')}</h3>
${
  organisations.length
    ? html`<form class="stack" method="post" action="/isc/admin/utilisateurs" novalidate>
${o.csrf.field(token)}${errorSummary(userErrors)}
${selectField({
  name: 'organisation',
  label: t('isc.admin.organisation'),
  value: user.organisation,
  error: userErrors.organisation,
  required: true,
  options: organisations.map((g) => ({ value: g.immatriculation, label: `${g.raisonSociale} (${g.immatriculation})` })),
})}
${selectField({
  name: 'civilite',
  label: t('psc.edit.civilite'),
  value: user.civilite,
  error: userErrors.civilite,
  options: [
    { value: '', label: '—' },
    { value: 'M', label: 'M' },
    { value: 'Mme', label: 'Mme' },
  ],
})}
${field({
  name: 'givenName',
  label: t('psc.edit.given'),
  value: user.givenName,
  error: userErrors.givenName,
  required: true,
})}
${field({
  name: 'familyName',
  label: t('psc.edit.family'),
  value: user.familyName,
  error: userErrors.familyName,
  required: true,
})}
${field({
  name: 'email',
  label: t('isc.admin.email'),
  type: 'email',
  value: user.email,
  error: userErrors.email,
  required: true,
})}
${field({
  name: 'login',
  label: t('isc.login.user'),
  value: user.login,
  error: userErrors.login,
  hint: t('isc.admin.loginHint'),
})}
${field({
  name: 'password',
  label: t('isc.login.password'),
  type: 'password',
  error: userErrors.password,
  hint: t('isc.admin.passwordHint'),
  autocomplete: 'new-password',
})}
<p><button type="submit">${t('isc.admin.createUser')}</button></p>
</form>`
    : html`<p>${t('isc.admin.organisationFirst')}</p>`
}`,
      Object.keys(orgErrors).length || Object.keys(userErrors).length ? 400 : 200,
    );
  };
  const messages = (error: IscDirectoryError): Errors =>
    Object.fromEntries(Object.entries(error.problems).map(([k, code]) => [k, t(`isc.problem.${code}`)]));

  scope.get('/isc/admin', (request, reply) => adminPage(request, reply));

  scope.post('/isc/admin/organisations', async (request, reply) => {
    const form = formOf(request);
    if (!o.csrf.valid(request, form)) return refuseForgedForm(reply, send);
    const input: OrganisationInput = {
      raisonSociale: form.raisonSociale,
      immatriculation: form.immatriculation,
      telephone: form.telephone,
      adresse: form.adresse,
    };
    try {
      const created = await o.directory.createOrganisation(input);
      return adminPage(request, reply, {
        notice: html`<p>${t('isc.admin.organisationCreated', { name: created.raisonSociale })}</p>`,
      });
    } catch (error) {
      if (!(error instanceof IscDirectoryError)) throw error;
      return adminPage(request, reply, { org: form, orgErrors: messages(error) });
    }
  });

  scope.post('/isc/admin/utilisateurs', async (request, reply) => {
    const form = formOf(request);
    if (!o.csrf.valid(request, form)) return refuseForgedForm(reply, send);
    const input: UserInput = {
      login: form.login,
      password: form.password,
      email: form.email,
      civilite: form.civilite,
      givenName: form.givenName,
      familyName: form.familyName,
      organisation: form.organisation,
    };
    try {
      const { user, generatedPassword } = await o.directory.createUser(input);
      return adminPage(request, reply, {
        notice: html`<p>${t('isc.admin.userCreated', { login: user.login })}</p>${
          generatedPassword ? html`<p>${t('isc.admin.generatedPassword')} <code>${generatedPassword}</code></p>` : ''
        }`,
      });
    } catch (error) {
      if (!(error instanceof IscDirectoryError)) throw error;
      return adminPage(request, reply, { user: { ...form, password: '' }, userErrors: messages(error) });
    }
  });
}
