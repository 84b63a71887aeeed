// The dashboard (manual §3.3, figure 8): the message of the day (setting runner.messageOfTheDay) and the
// « Lisez-moi »: how to use the tool with this account — its mailboxes and the test servers, the trust roots,
// running a job, reading the verdict, sending the execution id to the agency — and the latest executions.
import { targetTitle } from '../../catalogue/jobs.ts';
import type { Config } from '../../config/config.ts';
import { t } from '../../i18n/messages.ts';
import { PKI_PATHS } from '../../pki/issue.ts';
import { TRUST_FILES } from '../../pki/trust.ts';
import type { ExecutionStore } from '../../runner/store.ts';
import { frenchDateTime, html, type SafeHtml } from '../html.ts';
import type { Visit } from './access.ts';
import { runnerUrl } from './layout.ts';
import { executionLink, verdictBadge } from './views.ts';

const LATEST = 5;

export async function dashboardBody(visit: Visit, config: Config, executions: ExecutionStore): Promise<SafeHtml> {
  const { account } = visit;
  const latest = await executions.list({ accountIds: [account.id], parentId: null, limit: LATEST });
  const none = t('runnerPage.readme.noMailbox');
  const trust = (file: string) => `${PKI_PATHS.trust}/${file}`;
  const head = [
    t('runnerPage.readme.endpoint'),
    t('runnerPage.readme.host'),
    'IMAP',
    'SMTP',
    t('runnerPage.readme.serverCertificate'),
  ];
  return html`<h1>${t('runnerPage.dashboard.title')}</h1>
<section class="motd" aria-labelledby="motd-title">
<h2 id="motd-title">${t('runnerPage.motd.title')}</h2>
<p>${config.runner.messageOfTheDay ?? t('runnerPage.motd.default')}</p>
</section>
<section class="readme" aria-labelledby="readme-title">
<h2 id="readme-title">${t('runnerPage.readme.title')}</h2>
<p>${t('runnerPage.readme.intro', { nil: account.nil, user: account.runnerUserId })}</p>
<ol class="readme-steps">
<li><h3>${t('runnerPage.readme.configure.title')}</h3>
<p>${t('runnerPage.readme.configure.text')}</p>
<dl class="facts">
<dt>${t('runnerPage.readme.personal')}</dt><dd>${account.mailboxes.personal ?? none}</dd>
<dt>${t('runnerPage.readme.applicative')}</dt><dd>${account.mailboxes.applicative ?? none}</dd>
<dt>${t('runnerPage.readme.patient')}</dt><dd>${account.mailboxes.patient ?? account.patientAddress}</dd>
${certificateFacts(account)}
</dl>
<table class="endpoints stack">
<caption>${t('runnerPage.readme.endpoints')}</caption>
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${config.endpoints.map((e) => {
    const cells = [
      html`<code>${e.id}</code>`,
      html`<code>${e.host}</code>`,
      e.imapPort,
      e.smtpPort,
      t(`certificate.${e.certificate}`),
    ];
    return html`<tr>${cells.map((c, i) => html`<td data-label="${head[i]}">${c}</td>`)}</tr>`;
  })}</tbody>
</table>
<p>${t('runnerPage.readme.autoconfig', {
    url: `${config.autoconfig.url}/mail/config-v1.1.xml`,
    domain: config.mailDomain,
  })}</p>
</li>
<li><h3>${t('runnerPage.readme.trust.title')}</h3>
<ul>
<li><a href="${trust(TRUST_FILES.igc)}">${TRUST_FILES.igc}</a> &mdash; ${t('runnerPage.readme.trust.igc')}</li>
<li><a href="${trust(TRUST_FILES.nonIgc)}">${TRUST_FILES.nonIgc}</a> &mdash; ${t('runnerPage.readme.trust.nonIgc')}</li>
<li><a href="${trust('README.txt')}">README.txt</a> &mdash; ${t('runnerPage.readme.trust.readme')}</li>
</ul>
</li>
<li><h3>${t('runnerPage.readme.run.title')}</h3>
<p>${t('runnerPage.readme.run.text', {
    min: config.runner.delaiMinSeconds,
    max: config.runner.delaiMaxSeconds,
  })} <a href="${runnerUrl(account.id, 'jobs')}">${t('runnerPage.readme.run.link')}</a></p>
</li>
<li><h3>${t('runnerPage.readme.verdict.title')}</h3>
<p>${t('runnerPage.readme.verdict.text')}</p>
</li>
<li><h3>${t('runnerPage.readme.agency.title')}</h3>
<p>${t('runnerPage.readme.agency.text')}</p>
</li>
</ol>
</section>
<section class="latest" aria-labelledby="latest-title">
<h2 id="latest-title">${t('runnerPage.dashboard.latest')}</h2>
${
  latest.length
    ? html`<ul class="plain">${latest.map((e) => {
        const at = html`<span class="hint">${frenchDateTime(e.startedAt)}</span>`;
        return html`<li>${verdictBadge(e)} ${executionLink(account.id, e)} ${targetTitle(e)} ${at}</li>`;
      })}</ul>
<p><a href="${runnerUrl(account.id, 'activite')}">${t('runnerPage.dashboard.allActivity')}</a></p>`
    : html`<p>${t('runnerPage.dashboard.noExecution')}</p>`
}
</section>`;
}

/** The account's client certificate (PKCS#12) to download, and where to find its password. */
function certificateFacts(account: Visit['account']): SafeHtml | '' {
  if (!account.certificate) return '';
  const text = t('runnerPage.readme.certificateLink', { idnat: account.certificate.idnat });
  const link = html`<a href="/api/v1/accounts/${account.id}/certificate.p12">${text}</a>`;
  const password = t('runnerPage.readme.certificatePassword');
  return html`<dt>${t('runnerPage.readme.certificate')}</dt><dd>${link} &mdash; ${password}</dd>`;
}
