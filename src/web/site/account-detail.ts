// An account's page (/comptes/<id>): everything a vendor needs to configure its LPS (manual §1.4) — the test
// mailboxes with each one's own password (« Renouveler »: POST /comptes/<id>/mot-de-passe) and its « Ouvrir le
// webmail » (a POST to /webmail/ouvrir, which checks this session again), the server settings of the valid and
// of the test endpoints, the trust roots to install and what to do with each, the ORG_AUTH_CLI test
// certificate (downloaded through the account's own API route, owner only), the test patient address and the
// runner user id — each value with its « Copier » button — and the way to the vendor kit (kit-page.ts), all of
// it in one ZIP.
import type { FastifyInstance } from 'fastify';
import type { MailboxPasswords, MailboxRole, ProductAccount } from '../../accounts/accounts.ts';
import type { EndpointConfig } from '../../config/config.ts';
import { t } from '../../i18n/messages.ts';
import { refuseForgedForm } from '../csrf.ts';
import { formOf } from '../forms.ts';
import { PKI_PATHS } from '../../pki/issue.ts';
import { TRUST_FILES } from '../../pki/index.ts';
import { copyButton, frenchDateTime, html, type SafeHtml } from '../html.ts';
import { ownAccount, statusCell } from './accounts-pages.ts';
import type { Site } from './index.ts';
import { cell, VENDORS } from './layout.ts';

export function registerAccountDetail(scope: FastifyInstance, site: Site): void {
  const { layout, config } = site;
  const nightly = config.accounts.provisioning === 'nightly';

  scope.get<{ Params: { id: string }; Querystring: { renouvele?: string } }>('/comptes/:id', async (request, reply) => {
    const user = await layout.guard(request, reply, VENDORS);
    if (!user) return reply;
    const account = await ownAccount(site, user, request.params.id);
    if (!account) return layout.notFound(request, reply, user);
    const title = t('site.detail.title', { nil: account.nil });
    const renewed = ROLES.find((r) => r === request.query.renouvele);
    const renewedAddress = renewed && account.mailboxes[renewed];
    const forms: Forms = {
      accountId: account.id,
      csrf: layout.csrf.field(layout.csrf.token(request, reply)),
      passwords: await site.accounts.passwords(account),
    };
    const idnatPsc = copyable(account.idnatPsc, t('site.field.idnatPsc'));
    const idnatAuthCli = copyable(account.idnatAuthCli, t('site.field.idnatAuthCli'));
    const runnerUser = copyable(account.runnerUserId, t('site.detail.runnerUser'), true);
    return layout.send(request, reply, {
      title,
      user,
      copy: true,
      body: html`<p><a href="/comptes">${t('site.detail.back')}</a></p>
<h1>${title}</h1>
<table class="facts">
<tr><th scope="row">${t('site.accounts.status')}</th><td>${statusCell(account, nightly)}</td></tr>
<tr><th scope="row">${t('site.field.idnatPsc')}</th><td>${idnatPsc}</td></tr>
<tr><th scope="row">${t('site.field.idnatAuthCli')}</th><td>${idnatAuthCli}</td></tr>
<tr><th scope="row">${t('site.detail.runnerUser')}</th><td>${runnerUser}</td></tr>
<tr><th scope="row">${t('site.detail.createdAt')}</th><td>${frenchDateTime(account.createdAt)}</td></tr>
</table>
<p><a class="button secondary" href="/comptes/${account.id}/modifier">${t('site.accounts.modify')}</a>
${
  account.status === 'available'
    ? html`<a class="button" href="/outil/${account.id}">${t('site.accounts.tool')}</a>`
    : ''
}
${
  account.provisionedAt !== null
    ? html`<a class="button secondary" href="/comptes/${account.id}/kit">${t('kit.title')}</a>`
    : ''
}</p>
${
  renewedAddress
    ? html`<p class="notice" role="status">${t('site.detail.renewed', { address: renewedAddress })}</p>`
    : ''
}
${
  account.provisionedAt === null
    ? html`<p class="notice">${t('site.detail.notProvisioned')}</p>`
    : provisioned(site, account, forms)
}`,
    });
  });

  scope.post<{ Params: { id: string } }>('/comptes/:id/mot-de-passe', async (request, reply) => {
    const user = await layout.guard(request, reply, VENDORS);
    if (!user) return reply;
    const account = await ownAccount(site, user, request.params.id);
    if (!account) return layout.notFound(request, reply, user);
    const form = formOf(request);
    if (!layout.csrf.valid(request, form))
      return refuseForgedForm(reply, (_reply, title, body, status) =>
        layout.send(request, reply, { title, body, user, ...(status ? { status } : {}) }),
      );
    const role = ROLES.find((r) => r === form.bal);
    if (!role || !(await site.accounts.renewPassword(account, role, user.login)))
      return layout.notFound(request, reply, user);
    return reply.redirect(`/comptes/${account.id}?renouvele=${role}`, 303);
  });
}

const ROLES: readonly MailboxRole[] = ['personal', 'applicative', 'patient'];

/** What the mailbox rows' forms need: the account, the page's CSRF field, the passwords to show. */
interface Forms {
  accountId: number;
  csrf: SafeHtml;
  passwords: MailboxPasswords;
}

function provisioned(site: Site, account: ProductAccount, forms: Forms): SafeHtml {
  const { config } = site;
  const { personal, applicative, patient } = account.mailboxes;
  const valid = config.endpoints.filter((e) => e.certificate === 'valid');
  const refused = config.endpoints.filter((e) => e.certificate !== 'valid');
  const example = applicative ?? personal ?? '';
  const personalAuth = t('site.detail.personalAuth', { idnat: account.idnatPsc ?? '' });
  const applicativeAuth = t('site.detail.applicativeAuth', { idnat: account.idnatAuthCli ?? '' });
  const former = account.formerMailboxes.map((m, i) => html`${i ? ', ' : ''}<code>${m.address}</code>`);
  const autoconfigUrl = `${config.autoconfig.url}/mail/config-v1.1.xml?emailaddress=${example}`;
  const dns = t('site.detail.dns', {
    address: config.autoconfig.address,
    port: config.ports.dns,
    domain: config.mailDomain,
  });
  const webmailPassword =
    config.webmailPassword && copyable(config.webmailPassword, t('site.detail.webmailPassword'), true);
  const trustLink = (file: string) => html`<a href="${PKI_PATHS.trust}/${file}" download>${file}</a>`;
  return html`<h2>${t('site.detail.mailboxes')}</h2>
<table class="stack mailboxes">
<thead><tr>${MAILBOX_COLUMNS.map((k) => html`<th scope="col">${t(k)}</th>`)}</tr></thead>
<tbody>
${personal ? mailboxRow(forms, 'personal', personal, personalAuth) : ''}
${applicative ? mailboxRow(forms, 'applicative', applicative, applicativeAuth) : ''}
${mailboxRow(forms, 'patient', patient ?? account.patientAddress, t('site.detail.patientUse'))}
</tbody>
</table>
<p class="hint">${t('site.detail.passwordIntro')}</p>
${account.formerMailboxes.length ? html`<p>${t('site.detail.former')} ${former}</p>` : ''}

<h2>${t('site.detail.settings')}</h2>
<p>${t('site.detail.settingsIntro')}</p>
<h3>${t('site.detail.validEndpoints')}</h3>
${endpointTable(valid)}
<h3>${t('site.detail.testEndpoints')}</h3>
<p>${t('site.detail.testEndpointsIntro')}</p>
${endpointTable(refused)}
<p>${t('site.detail.autoconfig')} ${copyable(autoconfigUrl, t('site.detail.autoconfig'), true)} ${dns}</p>

<h2>${t('site.detail.webmail')}</h2>
<p>${t('site.detail.webmailIntro')}</p>
${webmailPassword ? html`<p>${t('site.detail.webmailPassword')} ${webmailPassword}</p>` : ''}

<h2>${t('site.detail.trust')}</h2>
<ul class="trust">
<li>${trustLink(TRUST_FILES.igc)} &mdash; ${t('site.detail.trustIgc')}</li>
<li>${trustLink(TRUST_FILES.nonIgc)} &mdash; ${t('site.detail.trustNonIgc')}</li>
</ul>

${certificateSection(account)}`;
}

/** The ORG_AUTH_CLI test certificate, downloaded through the account's own API route, and its password. */
function certificateSection(account: ProductAccount): SafeHtml | '' {
  const certificate = account.certificate;
  if (!certificate) return '';
  const file = html`<a href="/api/v1/accounts/${account.id}/certificate.p12" download>${certificate.idnat}.p12</a>`;
  const password = copyable(certificate.pkcs12Password, t('site.detail.certificatePassword'), true);
  const serial = copyable(certificate.serialNumber, t('site.detail.certificateSerial'), true);
  const notAfter = frenchDateTime(certificate.notAfter);
  return html`<h2>${t('site.detail.certificate')}</h2>
<p>${t('site.detail.certificateIntro', { idnat: certificate.idnat })}</p>
<table class="facts">
<tr><th scope="row">${t('site.detail.certificateFile')}</th><td>${file}</td></tr>
<tr><th scope="row">${t('site.detail.certificatePassword')}</th><td>${password}</td></tr>
<tr><th scope="row">${t('site.detail.certificateSerial')}</th><td>${serial}</td></tr>
<tr><th scope="row">${t('site.detail.certificateNotAfter')}</th><td>${notAfter}</td></tr>
</table>`;
}

const MAILBOX_COLUMNS = [
  'site.detail.mailbox',
  'site.detail.address',
  'site.detail.authentication',
  'site.detail.password',
  'site.detail.webmail',
] as const;
const ROLE_LABELS = {
  personal: 'site.detail.personal',
  applicative: 'site.detail.applicative',
  patient: 'site.detail.patient',
} as const;

/** A mailbox with its password and « Renouveler », and its « Ouvrir le webmail »; both only once the mailbox exists. */
function mailboxRow(forms: Forms, role: MailboxRole, address: string, use: string): SafeHtml {
  const columns = MAILBOX_COLUMNS.map((k) => t(k));
  const secret = forms.passwords[role];
  const renewOf = t('site.detail.renewOf', { address });
  const renewLabel = html`${t('site.detail.renew')}<span class="visually-hidden"> ${renewOf}</span>`;
  const renew = inlineForm(
    `/comptes/${forms.accountId}/mot-de-passe`,
    html`${forms.csrf}<input type="hidden" name="bal" value="${role}">`,
    html`<button type="submit" class="secondary">${renewLabel}</button>`,
  );
  const openOf = t('site.detail.openWebmailOf', { address });
  const openLabel = html`${t('site.detail.openWebmail')}<span class="visually-hidden"> ${openOf}</span>`;
  const open = inlineForm(
    '/webmail/ouvrir',
    html`${forms.csrf}<input type="hidden" name="adresse" value="${address}">`,
    html`<button type="submit">${openLabel}</button>`,
  );
  const cells = [
    t(ROLE_LABELS[role]),
    html`<code>${address}</code> ${copyButton(address, address)}`,
    use,
    secret ? html`<code class="password">${secret}</code> ${copyButton(secret, renewOf)} ${renew}` : '—',
    secret ? open : '—',
  ];
  return html`<tr>${cells.map((c, i) => cell(columns[i]!, c))}</tr>`;
}

/** A one-button POST form that fits in a table cell; `fields` carries the CSRF field and the hidden values. */
function inlineForm(action: string, fields: SafeHtml, button: SafeHtml): SafeHtml {
  return html`<form class="inline" method="post" action="${action}">${fields}${button}</form>`;
}

function endpointTable(endpoints: EndpointConfig[]): SafeHtml {
  const head = (
    [
      'site.endpoint.id',
      'site.endpoint.for',
      'site.endpoint.host',
      'site.endpoint.address',
      'site.endpoint.imap',
      'site.endpoint.smtp',
      'site.endpoint.security',
      'site.endpoint.certificate',
    ] as const
  ).map((k) => t(k));
  return html`<table class="stack endpoints">
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>
${endpoints.map((e) => {
  const cells = [
    html`<code>${e.id}</code>`,
    t(e.id.startsWith('org') ? 'site.endpoint.applicative' : 'site.endpoint.personal'),
    html`<code>${e.host}</code> ${copyButton(e.host, e.host)}`,
    html`${e.address} ${copyButton(e.address, e.address)}`,
    String(e.imapPort),
    String(e.smtpPort),
    t('site.endpoint.starttls'),
    t(`certificate.${e.certificate}`),
  ];
  return html`<tr>${cells.map((c, i) => cell(head[i]!, c))}</tr>`;
})}
</tbody>
</table>`;
}

/** A value with its « Copier » button; « — » when there is none. */
function copyable(value: string | null, what: string, code = false): SafeHtml {
  if (!value) return html`&mdash;`;
  return html`${code ? html`<code>${value}</code>` : value} ${copyButton(value, what)}`;
}
