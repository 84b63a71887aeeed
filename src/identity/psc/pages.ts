// The PSC simulator's pages: the e-CPS login (choose a test identity, confirm), the "e-CPS de test" page where
// CIBA requests are accepted or refused, and the EDIT-like page and JSON API that create test identities.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/messages.ts';
import { html } from '../../web/html.ts';
import type { ProviderHolder } from '../oidc.ts';
import { errorSummary, field, formOf, pageSender, refuseForgedForm, selectField, type Csrf } from '../web/forms.ts';
import type { CibaDesk } from './ciba.ts';
import { CIVILITES, IdentityError, problemMessages, PROFESSIONS, testIdnat, type IdentityInput, type PscIdentities, type PscIdentity } from './identities.ts';
import { PSC_ACR } from '../issuers.ts';
import { pscGrant } from './provider.ts';

export interface PscPagesOptions {
  holder: ProviderHolder;
  identities: PscIdentities;
  ciba: CibaDesk;
  csrf: Csrf;
}

const send = pageSender(t('psc.area'));

export function registerPscPages(scope: FastifyInstance, o: PscPagesOptions): void {
  registerLogin(scope, o);
  registerEcps(scope, o);
  registerEdit(scope, o);
}

function identityLabel(i: PscIdentity): string {
  return `${i.idnat} — ${i.civilite ? i.civilite + ' ' : ''}${i.givenName} ${i.familyName}`;
}

// e-CPS login for the authorization code flow.
function registerLogin(scope: FastifyInstance, o: PscPagesOptions): void {
  const details = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      return await o.holder.provider.interactionDetails(request.raw, reply.raw);
    } catch {
      return undefined;
    }
  };
  const expired = (reply: FastifyReply) => send(reply, t('psc.login.title'), html`<h1>${t('psc.login.title')}</h1><p class="error" role="alert">${t('oidc.interactionExpired')}</p>`, 400);

  const loginPage = async (request: FastifyRequest, reply: FastifyReply, clientId: string, selected: string | undefined, error?: string) => {
    const identities = await o.identities.list();
    const token = o.csrf.token(request, reply);
    const body = identities.length
      ? html`<form class="stack" method="post">
${o.csrf.field(token)}
${errorSummary({ idnat: error })}
${selectField({ name: 'idnat', label: t('psc.login.identity'), required: true, value: selected, error, options: identities.map((i) => ({ value: i.idnat, label: identityLabel(i) })) })}
<p><button type="submit" name="decision" value="confirm">${t('psc.login.confirm')}</button>
<button type="submit" name="decision" value="cancel" class="secondary" formnovalidate>${t('psc.login.cancel')}</button></p>
</form>`
      : html`<p class="notice">${t('psc.login.noIdentity')} <a href="/psc/edit">${t('psc.edit.title')}</a></p>
<form method="post">${o.csrf.field(token)}<button type="submit" name="decision" value="cancel" class="secondary">${t('psc.login.cancel')}</button></form>`;
    return send(reply, t('psc.login.title'), html`<h1>${t('psc.login.title')}</h1><p>${t('psc.login.intro', { client: clientId })}</p>${body}`, error ? 400 : 200);
  };

  scope.get<{ Params: { uid: string } }>('/psc/e-cps/connexion/:uid', async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(reply);
    const clientId = String(interaction.params.client_id);
    // Already signed in on this browser: PSC asks nothing more, the grant is given at once.
    if (interaction.prompt.name === 'consent' && interaction.session?.accountId) {
      const grantId = await pscGrant(o.holder.provider, interaction.session.accountId, clientId, interaction.grantId);
      const to = await o.holder.provider.interactionResult(request.raw, reply.raw, { consent: { grantId } });
      return reply.redirect(to, 303);
    }
    return loginPage(request, reply, clientId, typeof interaction.params.login_hint === 'string' ? interaction.params.login_hint : undefined);
  });

  scope.post<{ Params: { uid: string } }>('/psc/e-cps/connexion/:uid', async (request, reply) => {
    const form = formOf(request);
    if (!o.csrf.valid(request, form)) return refuseForgedForm(reply, send);
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(reply);
    const provider = o.holder.provider;
    const clientId = String(interaction.params.client_id);
    if (form.decision === 'cancel') {
      const to = await provider.interactionResult(request.raw, reply.raw, { error: 'access_denied', error_description: 'login cancelled on the e-CPS' }, { mergeWithLastSubmission: false });
      return reply.redirect(to, 303);
    }
    const identity = form.idnat ? await o.identities.find(form.idnat) : undefined;
    if (!identity) return loginPage(request, reply, clientId, form.idnat, t('psc.login.unknownIdentity'));
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

// "e-CPS de test": what the holder's phone would show for CIBA requests.
function registerEcps(scope: FastifyInstance, o: PscPagesOptions): void {
  scope.get<{ Querystring: { idnat?: string; fait?: string } }>('/psc/e-cps', async (request, reply) => {
    const idnat = request.query.idnat?.trim() || undefined;
    const pending = await o.ciba.pending(idnat);
    const token = o.csrf.token(request, reply);
    const done = request.query.fait === 'accepte' ? t('psc.ecps.accepted') : request.query.fait === 'refuse' ? t('psc.ecps.refused') : request.query.fait === 'perime' ? t('psc.ecps.gone') : undefined;
    const rows = pending.map(
      (p) => html`<tr>
<td>${p.idnat}</td><td>${p.clientId}</td><td><strong class="binding">${p.bindingMessage}</strong></td><td>${p.channel ?? ''}</td><td>${new Date(p.expiresAt).toLocaleTimeString('fr-FR', { timeZone: 'Europe/Paris' })}</td>
<td><form method="post" action="/psc/e-cps/demandes/${p.id}">${o.csrf.field(token)}<input type="hidden" name="idnat" value="${idnat ?? ''}">
<button type="submit" name="decision" value="accept" aria-label="${t('psc.ecps.acceptFor', { code: p.bindingMessage, idnat: p.idnat })}">${t('psc.ecps.accept')}</button>
<button type="submit" name="decision" value="refuse" class="secondary" aria-label="${t('psc.ecps.refuseFor', { code: p.bindingMessage, idnat: p.idnat })}">${t('psc.ecps.refuse')}</button></form></td>
</tr>`,
    );
    return send(
      reply,
      t('psc.ecps.title'),
      html`<h1>${t('psc.ecps.title')}</h1>
<p>${t('psc.ecps.intro')}</p>
${done ? html`<p class="notice" role="status">${done}</p>` : ''}
<form method="get" class="stack">${field({ name: 'idnat', label: t('psc.ecps.filter'), value: idnat, inputmode: 'numeric' })}<p><button type="submit">${t('psc.ecps.show')}</button></p></form>
${pending.length
  ? html`<table><caption>${t('psc.ecps.pending')}</caption><thead><tr><th scope="col">IdNat</th><th scope="col">${t('psc.ecps.client')}</th><th scope="col">${t('psc.ecps.binding')}</th><th scope="col">${t('psc.ecps.channel')}</th><th scope="col">${t('psc.ecps.expires')}</th><th scope="col">${t('psc.ecps.answer')}</th></tr></thead><tbody>${rows}</tbody></table>`
  : html`<p>${t('psc.ecps.none')}</p>`}`,
    );
  });

  scope.post<{ Params: { id: string } }>('/psc/e-cps/demandes/:id', async (request, reply) => {
    const form = formOf(request);
    if (!o.csrf.valid(request, form)) return refuseForgedForm(reply, send);
    const ok = form.decision === 'refuse' ? await o.ciba.refuse(request.params.id) : form.decision === 'accept' ? await o.ciba.approve(request.params.id) : false;
    const outcome = !ok ? 'perime' : form.decision === 'refuse' ? 'refuse' : 'accepte';
    const query = new URLSearchParams({ ...(form.idnat ? { idnat: form.idnat } : {}), fait: outcome });
    return reply.redirect(`/psc/e-cps?${query}`, 303);
  });
}

const FIELDS: (keyof IdentityInput)[] = ['idnat', 'civilite', 'givenName', 'familyName', 'profession'];

// EDIT-like creation of test identities: a page and a JSON API.
function registerEdit(scope: FastifyInstance, o: PscPagesOptions): void {
  const editPage = async (request: FastifyRequest, reply: FastifyReply, values: IdentityInput, errors: Partial<Record<keyof IdentityInput, string>> = {}, created?: string) => {
    const token = o.csrf.token(request, reply);
    const identities = await o.identities.list();
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
${field({ name: 'idnat', label: t('psc.edit.idnat'), value: values.idnat, error: errors.idnat, required: true, inputmode: 'numeric', hint: t('psc.edit.idnatHint', { example: testIdnat() }), autofocus: failed && Boolean(errors.idnat) })}
${selectField({ name: 'civilite', label: t('psc.edit.civilite'), value: values.civilite, error: errors.civilite, options: [{ value: '', label: '—' }, ...CIVILITES.map((c) => ({ value: c, label: c }))] })}
${field({ name: 'givenName', label: t('psc.edit.given'), value: values.givenName, error: errors.givenName, required: true, autocomplete: 'off' })}
${field({ name: 'familyName', label: t('psc.edit.family'), value: values.familyName, error: errors.familyName, required: true, autocomplete: 'off' })}
${selectField({ name: 'profession', label: t('psc.edit.profession'), value: values.profession, error: errors.profession, options: [{ value: '', label: '—' }, ...Object.entries(PROFESSIONS).map(([code, label]) => ({ value: code, label }))] })}
<p><button type="submit">${t('psc.edit.create')}</button></p>
</form>
<h2>${t('psc.edit.list')}</h2>
${identities.length
  ? html`<table><thead><tr><th scope="col">IdNat</th><th scope="col">${t('psc.edit.civilite')}</th><th scope="col">${t('psc.edit.given')}</th><th scope="col">${t('psc.edit.family')}</th><th scope="col">${t('psc.edit.profession')}</th></tr></thead>
<tbody>${identities.map((i) => html`<tr><td>${i.idnat}</td><td>${i.civilite ?? ''}</td><td>${i.givenName}</td><td>${i.familyName}</td><td>${i.profession ? PROFESSIONS[i.profession] : ''}</td></tr>`)}</tbody></table>`
  : html`<p>${t('psc.edit.empty')}</p>`}`,
      failed ? 400 : 200,
    );
  };

  scope.get<{ Querystring: { cree?: string } }>('/psc/edit', (request, reply) => editPage(request, reply, {}, {}, request.query.cree));

  scope.post('/psc/edit', async (request, reply) => {
    const form = formOf(request);
    if (!o.csrf.valid(request, form)) return refuseForgedForm(reply, send);
    const input: IdentityInput = Object.fromEntries(FIELDS.map((f) => [f, form[f]]));
    try {
      const created = await o.identities.create(input);
      return reply.redirect(`/psc/edit?cree=${encodeURIComponent(created.idnat)}`, 303);
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      return editPage(request, reply, input, problemMessages(error));
    }
  });

  scope.get('/psc/api/identities', async () => o.identities.list());

  scope.post('/psc/api/identities', async (request, reply) => {
    // JSON only: a cross-site HTML form cannot send it, so no CSRF token is needed here.
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) return reply.code(415).send({ error: 'unsupported_media_type' });
    const body = (request.body ?? {}) as Record<string, unknown>;
    const input: IdentityInput = Object.fromEntries(FIELDS.map((f) => [f, typeof body[f] === 'string' ? body[f] : undefined]));
    try {
      return reply.code(201).send(await o.identities.create(input));
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      const messages = problemMessages(error);
      const errors = Object.fromEntries(Object.entries(error.problems).map(([k, code]) => [k, { code, message: messages[k as keyof IdentityInput] }]));
      const onlyDuplicate = Object.values(error.problems).every((p) => p === 'idnat_exists');
      return reply.code(onlyDuplicate ? 409 : 400).send({ error: onlyDuplicate ? 'exists' : 'invalid', errors });
    }
  });
}
