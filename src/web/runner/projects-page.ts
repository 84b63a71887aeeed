// The runner's home (manual §3.2, figure 7): the one project, « MSSanté - Outil de test éditeur - MOTCO2 »,
// with the account's activity of the last day, then the legal notices and terms of use — motco's own, not
// the ANS's.
import { t, type MessageKey } from '../../i18n/messages.ts';
import type { ExecutionStore } from '../../runner/store.ts';
import { html, type SafeHtml } from '../html.ts';
import type { Visit } from './access.ts';
import { runnerUrl } from './layout.ts';

const DAY_MS = 24 * 3600 * 1000;

/** Sections of the legal notices and terms of use, in order. */
const LEGAL: [MessageKey, MessageKey][] = [
  ['runnerPage.legal.publisher.title', 'runnerPage.legal.publisher.text'],
  ['runnerPage.legal.operator.title', 'runnerPage.legal.operator.text'],
  ['runnerPage.legal.purpose.title', 'runnerPage.legal.purpose.text'],
  ['runnerPage.legal.access.title', 'runnerPage.legal.access.text'],
  ['runnerPage.legal.testData.title', 'runnerPage.legal.testData.text'],
  ['runnerPage.legal.evidence.title', 'runnerPage.legal.evidence.text'],
  ['runnerPage.legal.personalData.title', 'runnerPage.legal.personalData.text'],
  ['runnerPage.legal.liability.title', 'runnerPage.legal.liability.text'],
];

export async function projectsBody(visit: Visit, executions: ExecutionStore, publicUrl: string): Promise<SafeHtml> {
  const { account } = visit;
  // What the vendor launched in the last day (steps of global jobs are part of their parent).
  const { executions: count, failures } = await executions.count({
    accountIds: [account.id],
    parentId: null,
    startedFrom: Date.now() - DAY_MS,
  });
  const launched = count > 1 ? 'runnerPage.projects.executions.many' : 'runnerPage.projects.executions.one';
  const failed = failures > 1 ? 'runnerPage.projects.failures.many' : 'runnerPage.projects.failures.one';
  const activity = `${t(launched, { count })} (${t(failed, { count: failures })})`;
  const head = [t('runnerPage.projects.project'), t('runnerPage.projects.activity'), t('runnerPage.projects.actions')];
  const dashboard = runnerUrl(account.id, 'tableau-de-bord');
  const project = html`<a class="project" href="${dashboard}">${t('runnerPage.projectName')}</a>`;
  const jobsLink = html`<a href="${runnerUrl(account.id, 'jobs')}">${t('runnerPage.tab.jobs')}</a>`;
  const activityLink = html`<a href="${runnerUrl(account.id, 'activite')}">${t('runnerPage.tab.activity')}</a>`;
  return html`<h1>${t('runnerPage.projects.title')}</h1>
<table class="projects stack">
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody><tr>
<td data-label="${head[0]}">${project}<div class="hint">${t('runnerPage.projects.description')}</div></td>
<td data-label="${head[1]}">${activity}<br>${t('runnerPage.projects.user', { user: account.runnerUserId })}</td>
<td data-label="${head[2]}">${jobsLink} · ${activityLink}</td>
</tr></tbody>
</table>
<section class="legal" aria-labelledby="legal-title">
<h2 id="legal-title">${t('runnerPage.legal.title')}</h2>
${LEGAL.map(([title, text], i) => html`<h3>${i + 1} &mdash; ${t(title)}</h3><p>${t(text, { url: publicUrl })}</p>`)}
</section>`;
}
