// « Liste de comptes », « Création de compte » and « Modification de compte » (manual §2.2.2–2.2.3): the
// organisation's product accounts with their status, and the two forms, checked by the accounts service
// (validateAccount, uniqueness) with one French error next to each field and what was typed kept.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountResult, ProductAccount } from '../../accounts/accounts.ts';
import type { PlatformUser } from '../../accounts/directory.ts';
import type { AccountField } from '../../accounts/validation.ts';
import { Access } from '../../auth/access.ts';
import { t } from '../../i18n/messages.ts';
import { errorSummary, field, formOf, helpBubble, type Form } from '../forms.ts';
import { html, type SafeHtml } from '../html.ts';
import type { Site } from './index.ts';
import { cell, idOf, VENDORS } from './layout.ts';

type IdParams = { Params: { id: string } };
type Values = Record<AccountField, string>;
type Errors = Partial<Record<AccountField, string>>;

/** The vendor's own account of that id, or undefined (another organisation's answers as one that does not exist). */
export async function ownAccount(site: Site, user: PlatformUser, idText: string): Promise<ProductAccount | undefined> {
  const id = idOf(idText);
  return id === undefined ? undefined : new Access({ user, via: 'session' }, site.accounts).account(id);
}

/** « i » bubble of a status that is not « Disponible »: why, and what happens next. */
export function statusHelp(account: ProductAccount, nightly: boolean): string | undefined {
  if (account.status === 'available') return undefined;
  const next = t(nightly ? 'site.status.nextNightly' : 'site.status.nextSoon');
  if (account.status === 'creating') return t('site.status.creatingHelp', { next });
  const pending = account.pending;
  return t('site.status.unavailableHelp', {
    next,
    nil: pending?.nil ?? account.nil,
    psc: pending?.idnatPsc ?? '—',
    authCli: pending?.idnatAuthCli ?? '—',
  });
}

export function statusCell(account: ProductAccount, nightly: boolean): SafeHtml {
  const help = statusHelp(account, nightly);
  return html`<span class="status status-${account.status}">${account.statusLabel}</span>${
    help ? html` ${helpBubble(account.statusLabel, help)}` : ''
  }`;
}

export function registerAccountPages(scope: FastifyInstance, site: Site): void {
  const { layout, accounts } = site;
  const nightly = site.config.accounts.provisioning === 'nightly';

  scope.get<{ Querystring: { cree?: string; modifie?: string } }>('/comptes', async (request, reply) => {
    const user = await layout.guard(request, reply, VENDORS);
    if (!user) return reply;
    const list = await accounts.list({ organisationId: user.organisation!.id });
    const changed = request.query.cree ?? request.query.modifie;
    const account = changed === undefined ? undefined : list.find((a) => a.id === idOf(changed));
    const next = account && statusHelp(account, nightly);
    const done = request.query.cree ? 'site.accounts.created' : 'site.accounts.modified';
    const status = account && t(done, { nil: account.nil, status: account.statusLabel });
    const notice =
      account && html`<div class="notice" role="status"><p>${status}</p>${next ? html`<p>${next}</p>` : ''}</div>`;
    const head = (
      ['site.field.nil', 'site.field.idnatPsc', 'site.field.idnatAuthCli', 'site.accounts.status'] as const
    ).map((key) => t(key));
    const caption = t('site.accounts.caption', { organisation: user.organisation!.raisonSociale });
    const hiddenHead = (text: string) => html`<th scope="col"><span class="visually-hidden">${text}</span></th>`;
    const headCells = [
      ...head.map((h) => html`<th scope="col">${h}</th>`),
      hiddenHead(t('site.accounts.modifyColumn')),
      hiddenHead(t('site.accounts.toolColumn')),
    ];
    const ofAccount = (a: ProductAccount) =>
      html`<span class="visually-hidden"> ${t('site.accounts.ofAccount', { nil: a.nil })}</span>`;
    return layout.send(request, reply, {
      title: t('site.accounts.title'),
      user,
      body: html`<h1>${t('site.accounts.title')}</h1>
${notice}
${
  list.length === 0
    ? html`<p>${t('site.accounts.empty')}</p>`
    : html`<table class="stack accounts">
<caption class="visually-hidden">${caption}</caption>
<thead><tr>${headCells}</tr></thead>
<tbody>
${list.map(
  (a) => html`<tr>
${cell(head[0]!, html`<a href="/comptes/${a.id}">${a.nil}</a>`)}
${cell(head[1]!, a.idnatPsc ?? '—')}
${cell(head[2]!, a.idnatAuthCli ?? '—')}
${cell(head[3]!, statusCell(a, nightly))}
<td><a class="button secondary" href="/comptes/${a.id}/modifier">${t('site.accounts.modify')}${ofAccount(a)}</a></td>
<td>${
    a.status === 'available'
      ? html`<a class="button" href="/outil/${a.id}">${t('site.accounts.tool')}${ofAccount(a)}</a>`
      : html`<span class="unavailable">${t('site.accounts.unavailable')}</span>`
  }</td>
</tr>`,
)}
</tbody>
</table>`
}
<p><a class="button" href="/comptes/nouveau">${t('site.accounts.create')}</a></p>`,
    });
  });

  /** `alert`: a problem with the whole form (an expired CSRF token) rather than with a field. */
  const formPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    user: PlatformUser,
    o: { mode: 'create' | 'modify'; action: string; values: Values; errors?: Errors; alert?: string },
  ) => {
    const errors = o.errors ?? {};
    const title = t(o.mode === 'create' ? 'site.form.createTitle' : 'site.form.modifyTitle');
    const submit = t(o.mode === 'create' ? 'site.form.create' : 'site.form.modify');
    const input = (name: AccountField, required = false) =>
      field({
        name,
        label: t(`site.field.${name}`),
        value: o.values[name],
        error: errors[name],
        required,
        help: t(`site.help.${name}`, { domain: site.config.mailDomain }),
        autocomplete: 'off',
      });
    return layout.send(request, reply, {
      title,
      user,
      status: o.alert ? 403 : o.errors ? 400 : 200,
      body: html`<h1>${title}</h1>
${o.alert ? html`<p class="notice error" role="alert">${o.alert}</p>` : errorSummary(errors)}
<p class="hint">${t('forms.requiredNote')}<br>${t('site.form.oneIdnat')}</p>
<form class="stack" method="post" action="${o.action}" novalidate>
${layout.csrf.field(layout.csrf.token(request, reply))}
${input('nil', true)}
${input('idnatPsc')}
${input('idnatAuthCli')}
<p class="actions"><button type="submit">${submit}</button> <a href="/comptes">${t('site.form.cancel')}</a></p>
</form>`,
    });
  };

  /** The form's values as typed (shown again if refused), and the service's answer as one message per field. */
  const typed = (form: Form): Values => ({
    nil: form.nil ?? '',
    idnatPsc: form.idnatPsc ?? '',
    idnatAuthCli: form.idnatAuthCli ?? '',
  });
  const fieldErrors = (result: Extract<AccountResult, { ok: false }>): Errors => {
    const errors: Errors = {};
    for (const e of result.errors) errors[e.field] ??= e.message;
    return errors;
  };

  scope.get('/comptes/nouveau', async (request, reply) => {
    const user = await layout.guard(request, reply, VENDORS);
    if (!user) return reply;
    return formPage(request, reply, user, {
      mode: 'create',
      action: '/comptes/nouveau',
      values: { nil: '', idnatPsc: '', idnatAuthCli: '' },
    });
  });

  scope.post('/comptes/nouveau', async (request, reply) => {
    const user = await layout.guard(request, reply, VENDORS);
    if (!user) return reply;
    const form = formOf(request);
    const values = typed(form);
    if (!layout.csrf.valid(request, form))
      return formPage(request, reply, user, {
        mode: 'create',
        action: '/comptes/nouveau',
        values,
        alert: t('forms.csrf'),
      });
    const result = await accounts.create(values, { organisationId: user.organisation!.id, by: user.login });
    if (!result.ok)
      return formPage(request, reply, user, {
        mode: 'create',
        action: '/comptes/nouveau',
        values,
        errors: fieldErrors(result),
      });
    return reply.redirect(`/comptes?cree=${result.account.id}`, 303);
  });

  scope.get<IdParams>('/comptes/:id/modifier', async (request, reply) => {
    const user = await layout.guard(request, reply, VENDORS);
    if (!user) return reply;
    const account = await ownAccount(site, user, request.params.id);
    if (!account) return layout.notFound(request, reply, user);
    // A waiting modification is what the vendor asked for last: the form starts from it.
    const shown = account.pending ?? account;
    return formPage(request, reply, user, {
      mode: 'modify',
      action: `/comptes/${account.id}/modifier`,
      values: { nil: shown.nil, idnatPsc: shown.idnatPsc ?? '', idnatAuthCli: shown.idnatAuthCli ?? '' },
    });
  });

  scope.post<IdParams>('/comptes/:id/modifier', async (request, reply) => {
    const user = await layout.guard(request, reply, VENDORS);
    if (!user) return reply;
    const account = await ownAccount(site, user, request.params.id);
    if (!account) return layout.notFound(request, reply, user);
    const form = formOf(request);
    const values = typed(form);
    const action = `/comptes/${account.id}/modifier`;
    if (!layout.csrf.valid(request, form))
      return formPage(request, reply, user, { mode: 'modify', action, values, alert: t('forms.csrf') });
    const result = await accounts.modify(account.id, values, user.login);
    if (!result) return layout.notFound(request, reply, user);
    if (!result.ok)
      return formPage(request, reply, user, { mode: 'modify', action, values, errors: fieldErrors(result) });
    return reply.redirect(`/comptes?modifie=${account.id}`, 303);
  });
}
