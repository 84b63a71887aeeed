// The Jobs tab (manual §3.4, figures 9–10): the campaign, then the folders in the manual's order with their
// descriptions, the five global jobs marked and runnable, and each unit job with its title, the green run
// arrow and its last verdict for this account. A search and filters (mailbox type, protocol, latest verdict)
// narrow the unit jobs shown, as a GET form that works without JavaScript.
import { CAMPAIGN_ORDER, FOLDERS, UNIT_JOBS, type UnitJob } from '../../catalogue/jobs.ts';
import { t } from '../../i18n/messages.ts';
import type { ExecutionStore } from '../../runner/store.ts';
import type { Execution } from '../../runner/types.ts';
import { field, selectField } from '../forms.ts';
import { frenchDateTime, html, type SafeHtml } from '../html.ts';
import type { Visit } from './access.ts';
import { runnerUrl } from './layout.ts';
import { verdictBadge } from './views.ts';

export type JobsQuery = Partial<Record<'q' | 'bal' | 'protocole' | 'dernier', string>>;

/** Whether the account has the mailbox a job needs (a PSC job needs an IdNat PSC, say). */
export function hasMailboxFor(visit: Visit, job: UnitJob): boolean {
  return Boolean(job.bal === 'PSC' ? visit.account.mailboxes.personal : visit.account.mailboxes.applicative);
}

const LATEST: Record<string, (e: Execution | undefined) => boolean> = {
  ok: (e) => e?.status === 'finished' && e.verdict === 'OK',
  ko: (e) => e?.status === 'finished' && e.verdict !== 'OK',
  jamais: (e) => !e,
};

/** Lowercase, without accents: « reouv » finds « Réouv ». */
function folded(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export async function jobsBody(
  visit: Visit,
  executions: ExecutionStore,
  query: JobsQuery = {},
): Promise<{ body: SafeHtml; valid: boolean }> {
  const id = visit.account.id;
  const last = await executions.latestByTarget(id);
  const jobUrl = (target: string) => runnerUrl(id, `jobs/${target}`);
  const search = (query.q ?? '').trim().slice(0, 100);
  const bal = query.bal === 'PSC' || query.bal === 'AUTH_CLI' ? query.bal : undefined;
  const protocol = query.protocole === 'imap' || query.protocole === 'smtp' ? query.protocole : undefined;
  const latest = query.dernier ? LATEST[query.dernier] : undefined;
  const valid =
    (!query.bal || bal !== undefined) &&
    (!query.protocole || protocol !== undefined) &&
    (!query.dernier || latest !== undefined);
  const filtered = Boolean(search || bal || protocol || latest);
  const shows = (job: UnitJob) =>
    (!search || folded(`${job.title} ${job.id}`).includes(folded(search))) &&
    (!bal || job.bal === bal) &&
    (!protocol || job.protocol === protocol) &&
    (!latest || latest(last.get(job.id)));
  const count = UNIT_JOBS.filter(shows).length;

  const lastVerdict = (target: string) => {
    const e = last.get(target);
    return e
      ? html`<span class="last">${verdictBadge(e)} <a href="${runnerUrl(id, `executions/${e.id}`)}">#${e.id}</a> <span class="hint">${frenchDateTime(e.startedAt)}</span></span>`
      : html`<span class="last hint">${t('runnerPage.jobs.neverRun')}</span>`;
  };
  const runArrow = (target: string, title: string) =>
    html`<a class="run" href="${jobUrl(target)}" title="${t('runnerPage.jobs.run', { title })}"><span aria-hidden="true">▶</span><span class="visually-hidden">${t('runnerPage.jobs.run', { title })}</span></a>`;

  const unit = (job: UnitJob) => html`<li class="job" data-job="${job.id}">
${hasMailboxFor(visit, job) ? runArrow(job.id, job.title) : html`<span class="run disabled" aria-hidden="true">▶</span>`}
<div class="job-body"><a href="${jobUrl(job.id)}">${job.title}</a>
${hasMailboxFor(visit, job) ? '' : html`<div class="hint">${t(job.bal === 'PSC' ? 'runner.error.noPersonalMailbox' : 'runner.error.noApplicativeMailbox')}</div>`}
<div>${lastVerdict(job.id)}</div></div>
</li>`;

  const option = (value: string, label: string) => ({ value, label });
  const body = html`<h1>${t('runnerPage.jobs.title')}</h1>
<p>${t('runnerPage.jobs.intro')}</p>
<form method="get" action="${runnerUrl(id, 'jobs')}" class="filters" role="search" aria-label="${t('runnerPage.jobs.filters')}">
${field({ name: 'q', label: t('runnerPage.jobs.search'), value: search, autocomplete: 'off', hint: t('runnerPage.jobs.searchHint') })}
${selectField({ name: 'bal', label: t('runnerPage.jobs.bal'), value: query.bal ?? '', error: query.bal && !bal ? t('board.invalidFilter') : undefined, options: [option('', t('runnerPage.jobs.any')), option('PSC', 'MIE PSC'), option('AUTH_CLI', 'MIE AUTH_CLI')] })}
${selectField({ name: 'protocole', label: t('runnerPage.jobs.protocol'), value: query.protocole ?? '', error: query.protocole && !protocol ? t('board.invalidFilter') : undefined, options: [option('', t('runnerPage.jobs.any')), option('imap', 'IMAP'), option('smtp', 'SMTP')] })}
${selectField({ name: 'dernier', label: t('runnerPage.jobs.latest'), value: query.dernier ?? '', error: query.dernier && !latest ? t('board.invalidFilter') : undefined, options: [option('', t('runnerPage.jobs.any')), option('ok', t('board.status.ok')), option('ko', t('board.status.ko')), option('jamais', t('board.status.jamais'))] })}
<div class="buttons"><button type="submit">${t('runnerPage.activity.apply')}</button> <a href="${runnerUrl(id, 'jobs')}">${t('runnerPage.activity.reset')}</a>
${filtered ? html`<span class="hint" role="status">${t('runnerPage.jobs.shown', { count, total: UNIT_JOBS.length })}</span>` : ''}</div>
</form>
${
  filtered
    ? ''
    : html`<section class="campaign" aria-labelledby="campaign-title">
<h2 id="campaign-title">${runArrow('campaign', t('execution.campaignTitle'))} <a href="${jobUrl('campaign')}">${t('execution.campaignTitle')}</a></h2>
<p>${t('runnerPage.jobs.campaign', { folders: CAMPAIGN_ORDER.join(', ') })}</p>
<div>${lastVerdict('campaign')}</div>
</section>`
}
${count === 0 ? html`<p>${t('board.noLine')}</p>` : ''}
<ul class="tree">
${FOLDERS.filter((folder) => folder.jobs.some(shows)).map(
  (folder) => html`<li class="folder">
<details open>
<summary><span class="folder-id">${folder.id}</span> — ${folder.description}${folder.global ? html` <span class="tag">${t('runnerPage.jobs.global')}</span>` : ''}</summary>
${
  folder.global && !filtered
    ? html`<div class="global">${runArrow(folder.id, t('execution.folderTitle', { folder: folder.id }))} <a href="${jobUrl(folder.id)}">${t('runnerPage.jobs.runGlobal', { count: folder.jobs.length, folder: folder.id })}</a> ${lastVerdict(folder.id)}</div>`
    : ''
}
<ul class="jobs">${folder.jobs.filter(shows).map(unit)}</ul>
</details>
</li>`,
)}
</ul>`;
  return { body, valid };
}
