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
import { executionLink, filterButtons, verdictBadge } from './views.ts';

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
    if (!e) return html`<span class="last hint">${t('runnerPage.jobs.neverRun')}</span>`;
    const at = html`<span class="hint">${frenchDateTime(e.startedAt)}</span>`;
    return html`<span class="last">${verdictBadge(e)} ${executionLink(id, e)} ${at}</span>`;
  };
  const runArrow = (target: string, title: string) => {
    const label = t('runnerPage.jobs.run', { title });
    const arrow = html`<span aria-hidden="true">&#9654;</span><span class="visually-hidden">${label}</span>`;
    return html`<a class="run" href="${jobUrl(target)}" title="${label}">${arrow}</a>`;
  };

  const unit = (job: UnitJob) => {
    const runnable = hasMailboxFor(visit, job);
    const missing = t(job.bal === 'PSC' ? 'runner.error.noPersonalMailbox' : 'runner.error.noApplicativeMailbox');
    return html`<li class="job" data-job="${job.id}">
${runnable ? runArrow(job.id, job.title) : html`<span class="run disabled" aria-hidden="true">&#9654;</span>`}
<div class="job-body"><a href="${jobUrl(job.id)}">${job.title}</a>
${runnable ? '' : html`<div class="hint">${missing}</div>`}
<div>${lastVerdict(job.id)}</div></div>
</li>`;
  };

  const option = (value: string, label: string) => ({ value, label });
  const self = runnerUrl(id, 'jobs');
  const shown = t('runnerPage.jobs.shown', { count, total: UNIT_JOBS.length });
  const campaignTitle = t('execution.campaignTitle');
  const campaignLink = html`<a href="${jobUrl('campaign')}">${campaignTitle}</a>`;
  const globalTag = html` <span class="tag">${t('runnerPage.jobs.global')}</span>`;
  const body = html`<h1>${t('runnerPage.jobs.title')}</h1>
<p>${t('runnerPage.jobs.intro')}</p>
<form method="get" action="${self}" class="filters" role="search" aria-label="${t('runnerPage.jobs.filters')}">
${field({
  name: 'q',
  label: t('runnerPage.jobs.search'),
  value: search,
  autocomplete: 'off',
  hint: t('runnerPage.jobs.searchHint'),
})}
${selectField({
  name: 'bal',
  label: t('runnerPage.jobs.bal'),
  value: query.bal ?? '',
  error: query.bal && !bal ? t('board.invalidFilter') : undefined,
  options: [option('', t('runnerPage.jobs.any')), option('PSC', 'MIE PSC'), option('AUTH_CLI', 'MIE AUTH_CLI')],
})}
${selectField({
  name: 'protocole',
  label: t('runnerPage.jobs.protocol'),
  value: query.protocole ?? '',
  error: query.protocole && !protocol ? t('board.invalidFilter') : undefined,
  options: [option('', t('runnerPage.jobs.any')), option('imap', 'IMAP'), option('smtp', 'SMTP')],
})}
${selectField({
  name: 'dernier',
  label: t('runnerPage.jobs.latest'),
  value: query.dernier ?? '',
  error: query.dernier && !latest ? t('board.invalidFilter') : undefined,
  options: [
    option('', t('runnerPage.jobs.any')),
    option('ok', t('board.status.ok')),
    option('ko', t('board.status.ko')),
    option('jamais', t('board.status.jamais')),
  ],
})}
<div class="buttons">${filterButtons(self)}
${filtered ? html`<span class="hint" role="status">${shown}</span>` : ''}</div>
</form>
${
  filtered
    ? ''
    : html`<section class="campaign" aria-labelledby="campaign-title">
<h2 id="campaign-title">${runArrow('campaign', campaignTitle)} ${campaignLink}</h2>
<p>${t('runnerPage.jobs.campaign', { folders: CAMPAIGN_ORDER.join(', ') })}</p>
<div>${lastVerdict('campaign')}</div>
</section>`
}
${count === 0 ? html`<p>${t('board.noLine')}</p>` : ''}
<ul class="tree">
${FOLDERS.filter((folder) => folder.jobs.some(shows)).map((folder) => {
  const runTitle = t('execution.folderTitle', { folder: folder.id });
  const runText = t('runnerPage.jobs.runGlobal', { count: folder.jobs.length, folder: folder.id });
  const runLink = html`<a href="${jobUrl(folder.id)}">${runText}</a>`;
  return html`<li class="folder">
<details open>
<summary><span class="folder-id">${folder.id}</span> &mdash; ${folder.description}${
    folder.global ? globalTag : ''
  }</summary>
${
  folder.global && !filtered
    ? html`<div class="global">${runArrow(folder.id, runTitle)} ${runLink} ${lastVerdict(folder.id)}</div>`
    : ''
}
<ul class="jobs">${folder.jobs.filter(shows).map(unit)}</ul>
</details>
</li>`;
})}
</ul>`;
  return { body, valid };
}
