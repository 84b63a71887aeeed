// The account's activity: its executions, newest first, filtered by job or global job, verdict and start
// date (a GET form, so a filtered list is a link), with steps of global jobs on request, paged by id.
import { FOLDERS, targetTitle } from '../../catalogue/jobs.ts';
import { t } from '../../i18n/messages.ts';
import { field, selectField } from '../forms.ts';
import { resolveTarget, SELECTION } from '../../runner/runner.ts';
import type { ExecutionStore } from '../../runner/store.ts';
import type { Verdict } from '../../runner/types.ts';
import { frenchDateTime, html, type SafeHtml } from '../html.ts';
import { cell, idOf } from '../site/layout.ts';
import type { Visit } from './access.ts';
import { runnerUrl } from './layout.ts';
import { durationText, filterButtons, VERDICTS, verdictBadge, verdictLabel } from './views.ts';

const PAGE_SIZE = 20;
const DAY_MS = 24 * 3600 * 1000;

export type ActivityQuery = Partial<Record<'travail' | 'verdict' | 'du' | 'au' | 'etapes' | 'avant', string>>;

/** A day as people type it (JJ/MM/AAAA, or AAAA-MM-JJ as date pickers send it): its local midnight. */
export function parseDay(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) ?? /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = text.includes('/')
    ? [match[3], match[2], match[1]].map(Number)
    : [match[1], match[2], match[3]].map(Number);
  const date = new Date(year!, month! - 1, day!);
  return date.getFullYear() === year && date.getMonth() === month! - 1 && date.getDate() === day
    ? date.getTime()
    : undefined;
}

export async function activityBody(
  visit: Visit,
  executions: ExecutionStore,
  query: ActivityQuery,
): Promise<{ body: SafeHtml; valid: boolean }> {
  const id = visit.account.id;
  const value = (name: keyof ActivityQuery) => (query[name] ?? '').trim();
  const errors: Record<string, string | undefined> = {};
  const target =
    value('travail') && (value('travail') === SELECTION || resolveTarget(value('travail'))) ? value('travail') : '';
  if (value('travail') && !target) errors.travail = t('runnerPage.activity.unknownJob');
  const verdict = (VERDICTS as readonly string[]).includes(value('verdict'))
    ? (value('verdict') as Verdict)
    : undefined;
  if (value('verdict') && !verdict) errors.verdict = t('runnerPage.activity.unknownVerdict');
  const from = value('du') ? parseDay(value('du')) : undefined;
  if (value('du') && from === undefined) errors.du = t('runnerPage.activity.badDate');
  const to = value('au') ? parseDay(value('au')) : undefined;
  if (value('au') && to === undefined) errors.au = t('runnerPage.activity.badDate');
  if (from !== undefined && to !== undefined && to < from) errors.au = t('runnerPage.activity.dateOrder');
  const steps = value('etapes') === '1';
  const before = idOf(value('avant'));

  const valid = Object.values(errors).every((e) => !e);
  const found = valid
    ? await executions.list({
        accountIds: [id],
        ...(target ? { targetId: target } : {}),
        ...(verdict ? { verdict } : {}),
        ...(steps ? {} : { parentId: null }),
        ...(before ? { beforeId: before } : {}),
        ...(from !== undefined ? { startedFrom: from } : {}),
        // The day typed is included: until the next midnight.
        ...(to !== undefined ? { startedBefore: to + DAY_MS } : {}),
        limit: PAGE_SIZE + 1,
      })
    : [];
  const rows = found.slice(0, PAGE_SIZE);

  // The filters as they were typed, for the paging links.
  const kept = new URLSearchParams();
  for (const name of ['travail', 'verdict', 'du', 'au', 'etapes'] as const)
    if (value(name)) kept.set(name, value(name));
  const pageUrl = (older?: number) => {
    const params = new URLSearchParams(kept);
    if (older) params.set('avant', String(older));
    const search = params.toString();
    return `${runnerUrl(id, 'activite')}${search ? `?${search}` : ''}`;
  };

  const targetOptions = [
    { value: '', label: t('runnerPage.activity.allJobs') },
    { value: 'campaign', label: t('execution.campaignTitle') },
    { value: 'selection', label: t('execution.selectionTitle') },
    ...FOLDERS.filter((f) => f.global).map((f) => ({
      value: f.id,
      label: t('execution.folderTitle', { folder: f.id }),
    })),
    ...FOLDERS.flatMap((f) => f.jobs.map((j) => ({ value: j.id, label: j.title }))),
  ];
  const head = [
    t('runnerPage.activity.execution'),
    t('runnerPage.activity.job'),
    t('export.verdict'),
    t('export.started'),
    t('runnerPage.exec.duration'),
    t('export.startedBy'),
  ];
  const verdictOptions = [
    { value: '', label: t('runnerPage.activity.allVerdicts') },
    ...VERDICTS.map((v) => ({ value: v, label: `${t(`verdict.${v}`)} — ${verdictLabel(v)}` })),
  ];

  const self = runnerUrl(id, 'activite');
  const stepsBox = html`<input type="checkbox" id="f-etapes" name="etapes" value="1"${steps ? html` checked` : ''}>`;
  const body = html`<h1>${t('runnerPage.activity.title')}</h1>
<form method="get" action="${self}" class="filters" role="search" aria-label="${t('runnerPage.activity.filters')}">
${selectField({
  name: 'travail',
  label: t('runnerPage.activity.job'),
  options: targetOptions,
  value: value('travail'),
  error: errors.travail,
})}
${selectField({
  name: 'verdict',
  label: t('export.verdict'),
  options: verdictOptions,
  value: value('verdict'),
  error: errors.verdict,
})}
${field({
  name: 'du',
  label: t('runnerPage.activity.from'),
  value: value('du'),
  error: errors.du,
  hint: t('runnerPage.activity.dateHint'),
  autocomplete: 'off',
})}
${field({
  name: 'au',
  label: t('runnerPage.activity.to'),
  value: value('au'),
  error: errors.au,
  hint: t('runnerPage.activity.dateHint'),
  autocomplete: 'off',
})}
<div class="field checkbox">${stepsBox} <label for="f-etapes">${t('runnerPage.activity.steps')}</label></div>
<div class="buttons">${filterButtons(self)}</div>
</form>
${
  rows.length
    ? html`<table class="activity stack">
<caption>${t(before ? 'runnerPage.activity.captionOlder' : 'runnerPage.activity.caption')}</caption>
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.map((e) => {
        const parent = e.parentId
          ? html`<div class="hint">${t('runnerPage.exec.parent', { id: e.parentId })}</div>`
          : '';
        const cells = [
          html`<a href="${runnerUrl(id, `executions/${e.id}`)}">#${e.id}</a>`,
          html`${targetTitle(e)}${parent}`,
          verdictBadge(e),
          frenchDateTime(e.startedAt),
          e.endedAt === null ? '—' : durationText(e.endedAt - e.startedAt),
          e.startedBy,
        ];
        return html`<tr>${cells.map((c, i) => cell(head[i]!, c))}</tr>`;
      })}</tbody>
</table>`
    : html`<p>${t(valid ? 'runnerPage.activity.none' : 'forms.fix')}</p>`
}
<nav class="paging" aria-label="${t('runnerPage.activity.paging')}">
${before ? html`<a href="${pageUrl()}">${t('runnerPage.activity.newest')}</a>` : ''}
${found.length > PAGE_SIZE ? html`<a href="${pageUrl(rows.at(-1)!.id)}">${t('runnerPage.activity.older')}</a>` : ''}
</nav>`;
  return { body, valid };
}
