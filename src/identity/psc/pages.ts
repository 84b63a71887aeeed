// The PSC simulator's pages: the e-CPS login (choose a test identity, confirm), the "e-CPS de test" page where
// CIBA requests are accepted or refused, and the EDIT-like page and JSON API that create test identities.
// Like the real ones they act for the identity's holder: every page wants the platform's signed-in user (the
// account site's session; the API also takes an API token) and shows only what that user's organisation owns.
// Admins see and answer everything; reviewers nothing (they read executions, not identities).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlatformUser } from '../../accounts/directory.ts';
import { t } from '../../i18n/messages.ts';
import { clockTime } from '../../i18n/time.ts';
import { html } from '../../web/html.ts';
import { LOGIN_URL } from '../../web/site/layout.ts';
import type { ProviderHolder } from '../oidc.ts';
import { refuseForgedForm, type Csrf } from '../../web/csrf.ts';
import { errorSummary, field, formOf, pageSender, selectField } from '../../web/forms.ts';
import type { CibaDesk } from './ciba.ts';
import {
  CIVILITES,
  IdentityError,
  problemMessages,
  PROFESSIONS,
  testIdnat,
  type IdentityInput,
  type IdentityScope,
  type PscIdentities,
  type PscIdentity,
} from './identities.ts';
import { PSC_ACR } from '../issuers.ts';
import { pscGrant } from './provider.ts';

/** Who is signed in to the platform: the account site's session, or (identity API) an API token as well. */
export interface PlatformCallers {
  sessionUser(request: FastifyRequest): Promise<PlatformUser | undefined>;
  caller(request: FastifyRequest): Promise<{ user: PlatformUser; via: 'token' | 'session' } | undefined>;
}

export interface PscPagesOptions {
  holder: ProviderHolder;
  identities: PscIdentities;
  ciba: CibaDesk;
  csrf: Csrf;
  callers: PlatformCallers;
  /** Origin of the platform's pages: a session's JSON POST from another origin is refused. */
  publicOrigin: string;
}

const send = pageSender(t('psc.area'));

/** What a user may reach here: a vendor their organisation's identities, an admin all, anyone else nothing. */
export function identityScope(user: PlatformUser): IdentityScope | undefined {
  if (user.role === 'admin') return 'all';
  return user.role === 'vendor' && user.organisation ? { organisationId: user.organisation.id } : undefined;
}

export function registerPscPages(scope: FastifyInstance, o: PscPagesOptions): void {
  const signedIn = signedInScope(o);
  registerLogin(scope, o, signedIn);
  registerEcps(scope, o, signedIn);
  registerEdit(scope, o, signedIn);
}

type SignedIn = (request: FastifyRequest, reply: FastifyReply, back?: string) => Promise<IdentityScope | undefined>;

/**
 * The signed-in user's scope; otherwise the answer is sent and undefined returned: a visitor goes to the
 * platform's login and comes back to `back` (this page by default), a reviewer is told the pages are not theirs.
 */
function signedInScope(o: PscPagesOptions): SignedIn {
  return async (request, reply, back = request.url) => {
    const user = await o.callers.sessionUser(request);
    if (!user) {
      void reply.redirect(`${LOGIN_URL}?retour=${encodeURIComponent(back)}`, 303);
      return undefined;
    }
    const scope = identityScope(user);
    if (!scope)
      void send(
        reply,
        t('psc.area'),
        html`<h1>${t('psc.area')}</h1><p class="error" role="alert">${t('psc.access.role')}</p>`,
        403,
      );
    return scope;
  };
}

function identityLabel(i: PscIdentity): string {
  return `${i.idnat} — ${i.civilite ? `${i.civilite} ` : ''}${i.givenName} ${i.familyName}`;
}

// e-CPS login for the authorization code flow: the signed-in vendor picks one of their organisation's identities.
function registerLogin(scope: FastifyInstance, o: PscPagesOptions, signedIn: SignedIn): void {
  const details = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      return await o.holder.provider.interactionDetails(request.raw, reply.raw);
    } catch {
      return undefined;
    }
  };
  const expired = (reply: FastifyReply) =>
    send(
      reply,
      t('psc.login.title'),
      html`<h1>${t('psc.login.title')}</h1><p class="error" role="alert">${t('oidc.interactionExpired')}</p>`,
      400,
    );

  const loginPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    scope: IdentityScope,
    clientId: string,
    selected: string | undefined,
    error?: string,
  ) => {
    const identities = await o.identities.list(scope);
    const token = o.csrf.token(request, reply);
    const body = identities.length
      ? html`<form class="stack" method="post">
${o.csrf.field(token)}
${errorSummary({ idnat: error })}
${selectField({
  name: 'idnat',
  label: t('psc.login.identity'),
  required: true,
  value: selected,
  error,
  options: identities.map((i) => ({ value: i.idnat, label: identityLabel(i) })),
})}
<p><button type="submit" name="decision" value="confirm">${t('psc.login.confirm')}</button>
<button type="submit" name="decision" value="cancel" class="secondary"
  formnovalidate>${t('psc.login.cancel')}</button></p>
</form>`
      : html`<p class="notice">${t('psc.login.noIdentity')} <a href="/psc/edit">${t('psc.edit.title')}</a></p>
<form method="post">${o.csrf.field(token)}<button type="submit" name="decision" value="cancel"
  class="secondary">${t('psc.login.cancel')}</button></form>`;
    return send(
      reply,
      t('psc.login.title'),
      html`<h1>${t('psc.login.title')}</h1><p>${t('psc.login.intro', { client: clientId })}</p>${body}`,
      error ? 400 : 200,
    );
  };

  scope.get<{ Params: { uid: string } }>('/psc/e-cps/connexion/:uid', async (request, reply) => {
    const allowed = await signedIn(request, reply);
    if (!allowed) return reply;
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(reply);
    const clientId = String(interaction.params.client_id);
    // Already signed in on this browser with an identity this user may use: PSC asks nothing more.
    const current = interaction.session?.accountId;
    if (interaction.prompt.name === 'consent' && current && (await o.identities.findIn(current, allowed))) {
      const grantId = await pscGrant(o.holder.provider, current, clientId, interaction.grantId);
      const to = await o.holder.provider.interactionResult(request.raw, reply.raw, { consent: { grantId } });
      return reply.redirect(to, 303);
    }
    return loginPage(
      request,
      reply,
      allowed,
      clientId,
      typeof interaction.params.login_hint === 'string' ? interaction.params.login_hint : undefined,
    );
  });

  scope.post<{ Params: { uid: string } }>('/psc/e-cps/connexion/:uid', async (request, reply) => {
    const form = formOf(request);
    if (!o.csrf.valid(request, form)) return refuseForgedForm(reply, send);
    const allowed = await signedIn(request, reply);
    if (!allowed) return reply;
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(reply);
    const provider = o.holder.provider;
    const clientId = String(interaction.params.client_id);
    if (form.decision === 'cancel') {
      const to = await provider.interactionResult(
        request.raw,
        reply.raw,
        { error: 'access_denied', error_description: 'login cancelled on the e-CPS' },
        { mergeWithLastSubmission: false },
      );
      return reply.redirect(to, 303);
    }
    // Another organisation's identity is refused as one that does not exist.
    const identity = form.idnat ? await o.identities.findIn(form.idnat, allowed) : undefined;
    if (!identity) return loginPage(request, reply, allowed, clientId, form.idnat, t('psc.login.unknownIdentity'));
    const grantId = await pscGrant(provider, identity.idnat, clientId, interaction.grantId);
    const to = await provider.interactionResult(
      request.raw,
      reply.raw,
      { login: { accountId: identity.idnat, acr: PSC_ACR, amr: ['mfa'] }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
    return reply.redirect(to, 303);
  });
}

// "e-CPS de test": what the holder's phone would show for CIBA requests — the signed-in organisation's only.
function registerEcps(scope: FastifyInstance, o: PscPagesOptions, signedIn: SignedIn): void {
  scope.get<{ Querystring: { idnat?: string; fait?: string } }>('/psc/e-cps', async (request, reply) => {
    const allowed = await signedIn(request, reply);
    if (!allowed) return reply;
    const idnat = request.query.idnat?.trim() || undefined;
    const pending = await o.ciba.pending(idnat, allowed);
    const token = o.csrf.token(request, reply);
    const done =
      request.query.fait === 'accepte'
        ? t('psc.ecps.accepted')
        : request.query.fait === 'refuse'
          ? t('psc.ecps.refused')
          : request.query.fait === 'perime'
            ? t('psc.ecps.gone')
            : undefined;
    const rows = pending.map(
      (p) => html`<tr>
<td>${p.idnat}</td><td>${p.clientId}</td><td><strong class="binding">${p.bindingMessage}</strong></td>
<td>${p.channel ?? ''}</td><td>${clockTime(p.expiresAt)}</td>
<td><form method="post" action="/psc/e-cps/demandes/${p.id}">${o.csrf.field(token)}<input type="hidden" name="idnat"
  value="${idnat ?? ''}">
<button type="submit" name="decision" value="accept" aria-label="${t('psc.ecps.acceptFor', {
        code: p.bindingMessage,
        idnat: p.idnat,
      })}">${t('psc.ecps.accept')}</button>
<button type="submit" name="decision" value="refuse" class="secondary" aria-label="${t('psc.ecps.refuseFor', {
        code: p.bindingMessage,
        idnat: p.idnat,
      })}">${t('psc.ecps.refuse')}</button></form></td>
</tr>`,
    );
    return send(
      reply,
      t('psc.ecps.title'),
      html`<h1>${t('psc.ecps.title')}</h1>
<p>${t('psc.ecps.intro')}</p>
${done ? html`<p class="notice" role="status">${done}</p>` : ''}
<form method="get" class="stack">${field({
        name: 'idnat',
        label: t('psc.ecps.filter'),
        value: idnat,
        inputmode: 'numeric',
      })}<p><button type="submit">${t('psc.ecps.show')}</button></p></form>
${
  pending.length
    ? html`<table><caption>${t('psc.ecps.pending')}</caption><thead><tr><th scope="col">IdNat</th>
<th scope="col">${t('psc.ecps.client')}</th><th scope="col">${t('psc.ecps.binding')}</th>
<th scope="col">${t('psc.ecps.channel')}</th><th scope="col">${t('psc.ecps.expires')}</th>
<th scope="col">${t('psc.ecps.answer')}</th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p>${t('psc.ecps.none')}</p>`
}`,
    );
  });

  scope.post<{ Params: { id: string } }>('/psc/e-cps/demandes/:id', async (request, reply) => {
    const form = formOf(request);
    if (!o.csrf.valid(request, form)) return refuseForgedForm(reply, send);
    const allowed = await signedIn(request, reply, '/psc/e-cps');
    if (!allowed) return reply;
    // Another organisation's request answers as one no longer pending.
    const id = request.params.id;
    const ok =
      form.decision === 'refuse'
        ? await o.ciba.refuse(id, allowed)
        : form.decision === 'accept'
          ? await o.ciba.approve(id, allowed)
          : false;
    const outcome = !ok ? 'perime' : form.decision === 'refuse' ? 'refuse' : 'accepte';
    const query = new URLSearchParams({ ...(form.idnat ? { idnat: form.idnat } : {}), fait: outcome });
    return reply.redirect(`/psc/e-cps?${query}`, 303);
  });
}

const FIELDS: (keyof IdentityInput)[] = ['idnat', 'civilite', 'givenName', 'familyName', 'profession'];

/** The owner of what a scope creates: a vendor's organisation; an admin's identities are the operator's. */
const ownerOf = (scope: IdentityScope) => (scope === 'all' ? null : scope.organisationId);

// EDIT-like creation of test identities: a page and a JSON API, each for the signed-in organisation.
function registerEdit(scope: FastifyInstance, o: PscPagesOptions, signedIn: SignedIn): void {
  const editPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    allowed: IdentityScope,
    values: IdentityInput,
    errors: Partial<Record<keyof IdentityInput, string>> = {},
    created?: string,
  ) => {
    const token = o.csrf.token(request, reply);
    const identities = await o.identities.list(allowed);
    const failed = Object.keys(errors).length > 0;
    return send(
      reply,
      t('psc.edit.title'),
      html`<h1>${t('psc.edit.title')}</h1>
<p>${t('psc.edit.intro')}</p>
${created ? html`<p class="notice" role="status">${t('psc.edit.created', { idnat: created })}</p>` : ''}
<form class="stack" method="post" action="/psc/edit" novalidate>
${o.csrf.field(token)}
${errorSummary(errors)}
${field({
  name: 'idnat',
  label: t('psc.edit.idnat'),
  value: values.idnat,
  error: errors.idnat,
  required: true,
  inputmode: 'numeric',
  hint: t('psc.edit.idnatHint', { example: testIdnat() }),
  autofocus: failed && Boolean(errors.idnat),
})}
${selectField({
  name: 'civilite',
  label: t('psc.edit.civilite'),
  value: values.civilite,
  error: errors.civilite,
  options: [{ value: '', label: '—' }, ...CIVILITES.map((c) => ({ value: c, label: c }))],
})}
${field({
  name: 'givenName',
  label: t('psc.edit.given'),
  value: values.givenName,
  error: errors.givenName,
  required: true,
  autocomplete: 'off',
})}
${field({
  name: 'familyName',
  label: t('psc.edit.family'),
  value: values.familyName,
  error: errors.familyName,
  required: true,
  autocomplete: 'off',
})}
${selectField({
  name: 'profession',
  label: t('psc.edit.profession'),
  value: values.profession,
  error: errors.profession,
  options: [{ value: '', label: '—' }, ...Object.entries(PROFESSIONS).map(([code, label]) => ({ value: code, label }))],
})}
<p><button type="submit">${t('psc.edit.create')}</button></p>
</form>
<h2>${t('psc.edit.list')}</h2>
${
  identities.length
    ? html`<table><thead><tr><th scope="col">IdNat</th><th scope="col">${t('psc.edit.civilite')}</th>
<th scope="col">${t('psc.edit.given')}</th><th scope="col">${t('psc.edit.family')}</th>
<th scope="col">${t('psc.edit.profession')}</th></tr></thead>
<tbody>${identities.map(
        (i) => html`<tr><td>${i.idnat}</td><td>${i.civilite ?? ''}</td><td>${i.givenName}</td><td>${i.familyName}</td>
<td>${i.profession ? PROFESSIONS[i.profession] : ''}</td></tr>`,
      )}</tbody></table>`
    : html`<p>${t('psc.edit.empty')}</p>`
}`,
      failed ? 400 : 200,
    );
  };

  scope.get<{ Querystring: { cree?: string } }>('/psc/edit', async (request, reply) => {
    const allowed = await signedIn(request, reply);
    if (!allowed) return reply;
    return editPage(request, reply, allowed, {}, {}, request.query.cree);
  });

  scope.post('/psc/edit', async (request, reply) => {
    const form = formOf(request);
    if (!o.csrf.valid(request, form)) return refuseForgedForm(reply, send);
    const allowed = await signedIn(request, reply, '/psc/edit');
    if (!allowed) return reply;
    const input: IdentityInput = Object.fromEntries(FIELDS.map((f) => [f, form[f]]));
    try {
      const created = await o.identities.create(input, { organisationId: ownerOf(allowed) });
      return reply.redirect(`/psc/edit?cree=${encodeURIComponent(created.idnat)}`, 303);
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      return editPage(request, reply, allowed, input, problemMessages(error));
    }
  });

  /** The API caller's scope (an API token or the session), or the JSON refusal already sent. */
  const apiScope = async (request: FastifyRequest, reply: FastifyReply): Promise<IdentityScope | undefined> => {
    reply.header('cache-control', 'no-store');
    const caller = await o.callers.caller(request);
    if (!caller) {
      void reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="motco"')
        .send({ error: 'unauthenticated', message: t('api.error.unauthenticated') });
      return undefined;
    }
    // SameSite=Lax keeps the cookie off other sites' POSTs; an Origin check covers older browsers, as the API does.
    const origin = request.headers.origin;
    if (caller.via === 'session' && request.method !== 'GET' && origin !== undefined && origin !== o.publicOrigin) {
      void reply.code(403).send({ error: 'foreign_origin', message: t('api.error.foreignOrigin') });
      return undefined;
    }
    const allowed = identityScope(caller.user);
    if (!allowed) void reply.code(403).send({ error: 'forbidden', message: t('api.error.forbidden') });
    return allowed;
  };

  scope.get('/psc/api/identities', async (request, reply) => {
    const allowed = await apiScope(request, reply);
    if (!allowed) return reply;
    return o.identities.list(allowed);
  });

  scope.post('/psc/api/identities', async (request, reply) => {
    const allowed = await apiScope(request, reply);
    if (!allowed) return reply;
    // JSON only: a cross-site HTML form cannot send it, so no CSRF token is needed here.
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json'))
      return reply.code(415).send({ error: 'unsupported_media_type' });
    const body = (request.body ?? {}) as Record<string, unknown>;
    const input: IdentityInput = Object.fromEntries(
      FIELDS.map((f) => [f, typeof body[f] === 'string' ? body[f] : undefined]),
    );
    try {
      return reply.code(201).send(await o.identities.create(input, { organisationId: ownerOf(allowed) }));
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      const messages = problemMessages(error);
      const errors = Object.fromEntries(
        Object.entries(error.problems).map(([k, code]) => [k, { code, message: messages[k as keyof IdentityInput] }]),
      );
      const onlyDuplicate = Object.values(error.problems).every((p) => p === 'idnat_exists');
      return reply.code(onlyDuplicate ? 409 : 400).send({ error: onlyDuplicate ? 'exists' : 'invalid', errors });
    }
  });
}
