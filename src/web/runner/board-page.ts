// The readiness board (« Tableau de conformité », /outil/<account>/conformite): the catalogue's unit jobs with
// their latest verdict, date and execution for this account (runner/readiness.ts), by folder or by requirement
// (MSS-CONF.xx → jobs → status), filtered by status or requirement; « 27/34 OK »; « Rejouer les KO » (the failed
// and never-run units as one execution, with the usual Adresse IP and Délai); and the way on to the evidence
// dossier and to the agency.
import type { Config } from '../../config/config.ts';
import { t } from '../../i18n/messages.ts';
import {
  byFolder,
  byRequirement,
  type Readiness,
  type ReadinessLine,
  type UnitStatus,
} from '../../runner/readiness.ts';
import type { Csrf } from '../csrf.ts';
import { errorSummary, field, selectField } from '../forms.ts';
import { frenchDateTime, html, type SafeHtml } from '../html.ts';
import { cell } from '../site/layout.ts';
import type { Visit } from './access.ts';
import { BOARD_PATH, runnerUrl } from './layout.ts';
import { filterButtons, verdictBadge } from './views.ts';

export interface BoardQuery {
  vue?: string;
  statut?: string;
  exigence?: string;
}

/** The replay form as typed, with its errors (a form sent back). */
export interface ReplayForm {
  values: { ip: string; delai: string };
  errors: { ip?: string | undefined; delai?: string | undefined; general?: string | undefined };
}

const STATUS_FILTERS: Record<string, (status: UnitStatus) => boolean> = {
  ok: (s) => s === 'ok',
  ko: (s) => s === 'failed',
  jamais: (s) => s === 'never',
  reprendre: (s) => s === 'failed' || s === 'never',
};

interface BoardInput {
  visit: Visit;
  board: Readiness;
  query: BoardQuery;
  config: Config;
  csrf: { instance: Csrf; token: string };
  browserIp: string;
  form?: ReplayForm | undefined;
}

export function boardBody(input: BoardInput): { body: SafeHtml; valid: boolean } {
  const { visit, board, query } = input;
  const id = visit.account.id;
  const view = query.vue === 'exigences' ? 'exigences' : 'dossiers';
  const statusFilter = query.statut ? STATUS_FILTERS[query.statut] : undefined;
  const requirements = byRequirement(board.lines).map((g) => g.requirement);
  const valid =
    (!query.statut || statusFilter !== undefined) && (!query.exigence || requirements.includes(query.exigence));
  const shown = board.lines.filter(
    (l) =>
      (!statusFilter || statusFilter(l.status)) &&
      (!query.exigence || !valid || l.job.requirements.includes(query.exigence)),
  );
  const failed = board.lines.filter((l) => l.status === 'failed').length;
  const never = board.lines.filter((l) => l.status === 'never').length;
  const score = t('board.score', { ok: board.ok, total: board.total });
  const self = runnerUrl(id, BOARD_PATH);
  const dossierLink = html`<a class="button" href="${runnerUrl(id, 'dossier')}">${t('dossier.generate')}</a>`;
  const contactLink = html`<a class="button secondary" href="${runnerUrl(id, 'contact')}">${t('contact.title')}</a>`;

  const groups =
    view === 'exigences'
      ? byRequirement(shown).map((g) => ({
          key: g.requirement,
          heading: g.requirement,
          all: board.lines.filter((l) => l.job.requirements.includes(g.requirement)),
          lines: g.lines,
        }))
      : byFolder(shown).map((g) => ({
          key: g.folder,
          heading: `${g.folder} — ${g.description}`,
          all: board.lines.filter((l) => l.job.folder === g.folder),
          lines: g.lines,
        }));

  const body = html`<h1>${t('board.title')}</h1>
<p>${t('board.intro')}</p>
<section class="readiness" aria-labelledby="readiness-title">
<h2 id="readiness-title" class="visually-hidden">${t('board.progressTitle')}</h2>
<p class="score"><strong>${score}</strong> <span class="hint">${t('board.scoreDetail', { failed, never })}</span></p>
<progress max="${board.total}" value="${board.ok}" aria-label="${score}"></progress>
</section>
<div class="board-actions">
${replaySection(input)}
<section class="next" aria-labelledby="next-title">
<h2 id="next-title">${t('board.next')}</h2>
<p>${dossierLink} ${contactLink}</p>
<p class="hint">${t('board.nextHint')}</p>
</section>
</div>
<form method="get" action="${self}" class="filters" role="search" aria-label="${t('board.filters')}">
${selectField({
  name: 'vue',
  label: t('board.view'),
  value: view,
  options: [
    { value: 'dossiers', label: t('board.view.folders') },
    { value: 'exigences', label: t('board.view.requirements') },
  ],
})}
${selectField({
  name: 'statut',
  label: t('board.status'),
  value: query.statut ?? '',
  error: query.statut && !statusFilter ? t('board.invalidFilter') : undefined,
  options: [
    { value: '', label: t('board.status.all') },
    ...Object.keys(STATUS_FILTERS).map((s) => ({ value: s, label: t(`board.status.${s as 'ok'}`) })),
  ],
})}
${selectField({
  name: 'exigence',
  label: t('board.requirement'),
  value: query.exigence ?? '',
  error: query.exigence && !requirements.includes(query.exigence) ? t('board.invalidFilter') : undefined,
  options: [{ value: '', label: t('board.requirement.all') }, ...requirements.map((r) => ({ value: r, label: r }))],
})}
<div class="buttons">${filterButtons(self)}</div>
</form>
${groups.length ? groups.map((g) => groupSection(visit, g)) : html`<p>${t('board.noLine')}</p>`}`;
  return { body, valid };
}

function groupSection(
  visit: Visit,
  group: { key: string; heading: string; all: ReadinessLine[]; lines: ReadinessLine[] },
): SafeHtml {
  const ok = group.all.filter((l) => l.status === 'ok').length;
  const anchor = `g-${group.key.replace(/[^A-Za-z0-9-]/g, '-')}`;
  const allOk = ok === group.all.length;
  const score = t('board.score', { ok, total: group.all.length });
  const head = [
    t('board.col.job'),
    t('board.col.requirements'),
    t('board.col.verdict'),
    t('board.col.date'),
    t('board.col.execution'),
  ];
  return html`<section class="board-group" aria-labelledby="${anchor}">
<h2 id="${anchor}">${group.heading} <span class="group-score${allOk ? ' ok' : ''}">${score}</span></h2>
<table class="stack board">
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${group.lines.map((l) => lineRow(visit, l, head))}</tbody>
</table>
</section>`;
}

function lineRow(visit: Visit, line: ReadinessLine, head: string[]): SafeHtml {
  const id = visit.account.id;
  const e = line.latest;
  const cells = [
    html`<a href="${runnerUrl(id, `jobs/${line.job.id}`)}">${line.job.title}</a>`,
    line.job.requirements.join(', '),
    e ? verdictBadge(e) : html`<span class="verdict-badge v-pending">${t('board.never')}</span>`,
    e ? frenchDateTime(e.startedAt) : '—',
    e ? html`<a href="${runnerUrl(id, `executions/${e.id}`)}">#${e.id}</a>` : '—',
  ];
  return html`<tr class="s-${line.status}" data-job="${line.job.id}">${cells.map((c, i) => cell(head[i]!, c))}</tr>`;
}

/** « Rejouer les KO »: what it would run, and the options form (Adresse IP pre-filled, Délai) that starts it. */
function replaySection({ visit, board, config, csrf, browserIp, form }: BoardInput): SafeHtml {
  const units = board.toReplay;
  const title = html`<h2 id="replay-title">${t('board.replay')}</h2>`;
  const closed = (why: SafeHtml) =>
    html`<section class="replay" aria-labelledby="replay-title">${title}${why}</section>`;
  if (!units.length) return closed(html`<p>${t('board.allOk')}</p>`);
  if (visit.account.status !== 'available')
    return closed(html`<p class="notice">${t('api.error.accountUnavailable')}</p>`);
  const { runner } = config;
  const values = form?.values ?? { ip: browserIp, delai: String(runner.delaiDefaultSeconds) };
  const errors = form?.errors ?? {};
  const ipRequired = units.some((j) => j.ipRequired);
  const bounds = { min: runner.delaiMinSeconds, max: runner.delaiMaxSeconds, default: runner.delaiDefaultSeconds };
  const list = units.map((j) => html`<li>${j.title}</li>`);
  const runLabel = t('board.replayButton', { count: units.length });
  return html`<section class="replay" aria-labelledby="replay-title">
<h2 id="replay-title">${t('board.replay')}</h2>
<p>${t('board.replayText', { count: units.length })}</p>
<details><summary>${t('board.replayList', { count: units.length })}</summary><ol>${list}</ol></details>
<form method="post" action="${runnerUrl(visit.account.id, `${BOARD_PATH}/rejouer`)}" class="stack" novalidate>
${csrf.instance.field(csrf.token)}
${errorSummary(errors)}
${field({
  name: 'ip',
  label: t('runnerPage.job.ip'),
  value: values.ip,
  error: errors.ip,
  required: ipRequired,
  autocomplete: 'off',
  hint: `${t('runnerPage.job.ipHelp')} ${t('runnerPage.job.ipDetected', { ip: browserIp })}`,
})}
${field({
  name: 'delai',
  label: t('runnerPage.job.delai'),
  value: values.delai,
  error: errors.delai,
  inputmode: 'numeric',
  autocomplete: 'off',
  hint: `${t('runnerPage.job.delaiHelp')} ${t('runnerPage.job.delaiBoundsGlobal', bounds)}`,
})}
<div><button type="submit" class="run-now"><span aria-hidden="true">&#9654; </span>${runLabel}</button></div>
</form>
</section>`;
}
