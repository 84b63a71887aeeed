// The Jobs tab (manual §3.4, figures 9–10): the campaign, then the folders in the manual's order with their
// descriptions, the five global jobs marked and runnable, and each unit job with its title, the green run
// arrow and its last verdict for this account.
import { CAMPAIGN_ORDER, FOLDERS, type UnitJob } from '../../catalogue/jobs.ts';
import { t } from '../../i18n/messages.ts';
import type { ExecutionStore } from '../../runner/store.ts';
import { frenchDateTime, html, type SafeHtml } from '../html.ts';
import type { Visit } from './access.ts';
import { runnerUrl } from './layout.ts';
import { verdictBadge } from './views.ts';

/** Whether the account has the mailbox a job needs (a PSC job needs an IdNat PSC, say). */
export function hasMailboxFor(visit: Visit, job: UnitJob): boolean {
  return Boolean(job.bal === 'PSC' ? visit.account.mailboxes.personal : visit.account.mailboxes.applicative);
}

export async function jobsBody(visit: Visit, executions: ExecutionStore): Promise<SafeHtml> {
  const id = visit.account.id;
  const last = await executions.latestByTarget(id);
  const jobUrl = (target: string) => runnerUrl(id, `jobs/${target}`);
  const lastVerdict = (target: string) => {
    const e = last.get(target);
    return e
      ? html`<span class="last">${verdictBadge(e)} <a href="${runnerUrl(id, `executions/${e.id}`)}">#${e.id}</a> <span class="hint">${frenchDateTime(e.startedAt)}</span></span>`
      : html`<span class="last hint">${t('runnerPage.jobs.neverRun')}</span>`;
  };
  const runArrow = (target: string, title: string) => html`<a class="run" href="${jobUrl(target)}" title="${t('runnerPage.jobs.run', { title })}"><span aria-hidden="true">▶</span><span class="visually-hidden">${t('runnerPage.jobs.run', { title })}</span></a>`;

  const unit = (job: UnitJob) => html`<li class="job">
${hasMailboxFor(visit, job) ? runArrow(job.id, job.title) : html`<span class="run disabled" aria-hidden="true">▶</span>`}
<div class="job-body"><a href="${jobUrl(job.id)}">${job.title}</a> <span class="hint">${t('runnerPage.jobs.steps')}</span>
${hasMailboxFor(visit, job) ? '' : html`<div class="hint">${t(job.bal === 'PSC' ? 'runner.error.noPersonalMailbox' : 'runner.error.noApplicativeMailbox')}</div>`}
<div>${lastVerdict(job.id)}</div></div>
</li>`;

  return html`<h1>${t('runnerPage.jobs.title')}</h1>
<p>${t('runnerPage.jobs.intro')}</p>
<section class="campaign" aria-labelledby="campaign-title">
<h2 id="campaign-title">${runArrow('campaign', t('execution.campaignTitle'))} <a href="${jobUrl('campaign')}">${t('execution.campaignTitle')}</a></h2>
<p>${t('runnerPage.jobs.campaign', { folders: CAMPAIGN_ORDER.join(', ') })}</p>
<div>${lastVerdict('campaign')}</div>
</section>
<ul class="tree">
${FOLDERS.map(
  (folder) => html`<li class="folder">
<details open>
<summary><span class="folder-id">${folder.id}</span> — ${folder.description}${folder.global ? html` <span class="tag">${t('runnerPage.jobs.global')}</span>` : ''}</summary>
${folder.global
  ? html`<div class="global">${runArrow(folder.id, t('execution.folderTitle', { folder: folder.id }))} <a href="${jobUrl(folder.id)}">${t('runnerPage.jobs.runGlobal', { count: folder.jobs.length, folder: folder.id })}</a> ${lastVerdict(folder.id)}</div>`
  : ''}
<ul class="jobs">${folder.jobs.map(unit)}</ul>
</details>
</li>`,
)}
</ul>`;
}
