// An execution's page (manual §3.4, figures 12–14): its #id — what the vendor sends the agency —, title,
// options and status; while it runs, a progress panel that says what matters to a test waiting on a client
// (the listening window's elapsed and remaining time, « À faire maintenant : … », a global job's step i/n);
// « Arrêter le travail » / « Exécuter à nouveau »; the verdict with every check, its explanation and
// requirement; each step of a global job with its verdict; the log, server-rendered; the evidence exports
// and the job's statistics.
//
// Everything is rendered here; runner.js only appends the live log's lines (server-sent events of the REST
// API) and, at each new step and at the end, re-reads this page and swaps the parts marked data-part, so
// the page works without JavaScript (with a refresh link) and has one renderer.
import { toRunnerAccount } from '../../accounts/accounts.ts';
import { expectations } from '../../catalogue/expectations.ts';
import { CAMPAIGN_ORDER, findFolder, findJob, targetTitle } from '../../catalogue/jobs.ts';
import { CHECK_MARKS } from '../../catalogue/verdicts/common.ts';
import type { Check } from '../../catalogue/verdicts/types.ts';
import type { Config } from '../../config/config.ts';
import { t, template } from '../../i18n/messages.ts';
import { timeZone } from '../../i18n/time.ts';
import type { Csrf } from '../csrf.ts';
import type { ExecutionStore } from '../../runner/store.ts';
import type { Execution } from '../../runner/types.ts';
import { frenchDateTime, html, type SafeHtml } from '../html.ts';
import type { Visit } from './access.ts';
import { BOARD_PATH, runnerUrl } from './layout.ts';
import { currentNode, loadTree, logList, type ExecutionNode } from './log-view.ts';
import {
  clockTime,
  durationText,
  executionLink,
  optionsText,
  statsSection,
  verdictBadge,
  verdictLabel,
} from './views.ts';

interface ExecutionPageInput {
  visit: Visit;
  execution: Execution;
  config: Config;
  executions: ExecutionStore;
  csrf: { instance: Csrf; token: string };
  /** A problem to announce at the top (a new run that could not start, say). */
  alert?: string | undefined;
}

/** What runner.js shows by itself, in French from the catalogue. */
function scriptTexts(): string {
  return JSON.stringify({
    countdown: template('runnerPage.exec.countdown'),
    tabCountdown: template('runnerPage.exec.tabCountdown'),
    windowOver: t('runnerPage.exec.windowOver'),
    streamRetry: t('runnerPage.exec.streamRetry'),
    streamClosed: t('runnerPage.exec.streamClosed'),
    refreshFailed: t('runnerPage.exec.refreshFailed'),
    durationS: template('runnerPage.duration.s'),
    durationMin: template('runnerPage.duration.min'),
    durationH: template('runnerPage.duration.h'),
  });
}

export async function executionBody(input: ExecutionPageInput): Promise<SafeHtml> {
  const { visit, execution, executions } = input;
  const id = visit.account.id;
  const node = await loadTree(executions, execution);
  const title = targetTitle(execution);
  const data = html`data-now="${Date.now()}" data-tz="${timeZone()}" data-texts="${scriptTexts()}"`;
  const jobLink = html`<a href="${runnerUrl(id, `jobs/${execution.targetId}`)}">${title}</a>`;
  const crumbs =
    execution.targetType === 'selection'
      ? html`<a href="${runnerUrl(id, BOARD_PATH)}">${t('board.title')}</a> &rsaquo; ${title}`
      : html`<a href="${runnerUrl(id, 'jobs')}">${t('runnerPage.tab.jobs')}</a> &rsaquo; ${jobLink}`;
  const parentId = execution.parentId;
  const parent = parentId
    ? html` &rsaquo; <a href="${runnerUrl(id, `executions/${parentId}`)}"
>${t('runnerPage.exec.parent', { id: parentId })}</a>`
    : '';
  const jump = html`<button type="button" class="jump secondary" hidden>${t('runnerPage.exec.jump')}</button>`;
  return html`<article class="execution" data-execution-page ${data}>
<p class="crumbs">${crumbs}${parent}</p>
<header class="exec-head">
<h1><span class="exec-id">#${execution.id}</span> <span class="exec-title">${title}</span></h1>
<p class="hint">${t('runnerPage.exec.idHint')}</p>
<p id="etat" class="status" role="status" aria-live="polite">${statusText(node)}</p>
</header>
${input.alert ? html`<p class="notice error" role="alert">${input.alert}</p>` : ''}
<div data-part="summary">${summary(node, visit)}</div>
<div data-part="progress">${progress(node, input)}</div>
<div data-part="actions">${actions(input)}</div>
<div data-part="verdict">${verdict(execution)}</div>
<div data-part="steps">${steps(node, visit)}</div>
<section class="journal" aria-labelledby="journal-title">
<h2 id="journal-title">${t('export.log')}</h2>
<p class="hint">${t(execution.status === 'running' ? 'runnerPage.exec.logLive' : 'runnerPage.exec.logDone')}</p>
<div class="log-box" tabindex="0" aria-labelledby="journal-title">${logList(node)}</div>
<p class="log-tools">${jump} <span class="stream-note hint" hidden></span></p>
</section>
<div data-part="stats">${
    execution.status === 'finished' ? await statsSection(executions, execution.targetId, id) : ''
  }</div>
</article>`;
}

/** The steps a global job, the campaign or a selection runs, in order: its units, or its global jobs. */
function planned(execution: Execution): { targetId: string; title: string }[] {
  if (execution.targetType === 'selection')
    return (execution.options.units ?? []).map((id) => ({ targetId: id, title: findJob(id)?.title ?? id }));
  if (execution.targetType === 'campaign')
    return CAMPAIGN_ORDER.map((folder) => ({ targetId: folder, title: t('execution.folderTitle', { folder }) }));
  if (execution.targetType === 'folder')
    return (findFolder(execution.targetId)?.jobs ?? []).map((job) => ({ targetId: job.id, title: job.title }));
  return [];
}

/** « Étape i/n » of each level from the top down to the unit running now. */
function stepPath(node: ExecutionNode): { index: number; count: number; title: string }[] {
  const index = node.children.findIndex((c) => c.execution.status === 'running');
  if (index < 0) return [];
  const child = node.children[index]!;
  return [
    { index: index + 1, count: planned(node.execution).length, title: targetTitle(child.execution) },
    ...stepPath(child),
  ];
}

/** The live region's text: announced when it changes, so it says only what changed meaningfully. */
function statusText(node: ExecutionNode): string {
  const e = node.execution;
  if (e.status === 'finished')
    return t('runnerPage.exec.statusFinished', {
      verdict: e.verdict ? t(`verdict.${e.verdict}`) : '',
      label: verdictLabel(e.verdict),
    });
  const current = currentNode(node)!;
  const step = stepPath(node).at(-1);
  const where = step
    ? t('runnerPage.exec.statusStep', { index: step.index, count: step.count, title: step.title })
    : '';
  const unit = current.execution;
  if (unit.targetType !== 'job') return t('runnerPage.exec.statusRunning', { where });
  return unit.window
    ? t('runnerPage.exec.statusListening', { where, until: clockTime(unit.window.end) })
    : t('runnerPage.exec.statusPreparing', { where });
}

/** While an execution runs, its elapsed time carries its start: runner.js moves it every second. */
function elapsedSince(e: Execution): SafeHtml {
  return e.endedAt === null ? html` data-since="${e.startedAt}"` : html``;
}

function summary(node: ExecutionNode, visit: Visit): SafeHtml {
  // The account as the execution saw it (as the evidence shows it), should it have changed since.
  const e = node.execution;
  const duration = (e.endedAt ?? Date.now()) - e.startedAt;
  // What the browser tab says (runner.js adds the listening window's countdown while it runs).
  const tab =
    e.status === 'finished' && e.verdict
      ? t('runnerPage.exec.tabDone', { verdict: t(`verdict.${e.verdict}`), id: e.id, title: targetTitle(e) })
      : t('runnerPage.exec.tabRunning', { id: e.id, title: targetTitle(e) });
  const state = e.status === 'finished' ? ` ${verdictLabel(e.verdict)}` : '';
  const timeLabel = t(e.endedAt === null ? 'runnerPage.exec.elapsed' : 'runnerPage.exec.duration');
  const ended = e.endedAt === null ? '' : html` (${t('export.ended').toLowerCase()} ${frenchDateTime(e.endedAt)})`;
  const account = e.account ?? visit.account;
  const accountValue = t('export.accountValue', {
    nil: account.nil,
    organisation: visit.account.organisation.raisonSociale,
    user: account.runnerUserId,
  });
  return html`<dl class="facts" data-tab="${tab}">
<dt>${t('runnerPage.exec.state')}</dt><dd>${verdictBadge(e)}${state}</dd>
<dt>${t('export.options')}</dt><dd>${optionsText(e)}</dd>
<dt>${t('export.started')}</dt><dd>${frenchDateTime(e.startedAt)}</dd>
<dt>${timeLabel}</dt><dd${elapsedSince(e)}>${durationText(duration)}${ended}</dd>
<dt>${t('export.startedBy')}</dt><dd>${e.startedBy}</dd>
<dt>${t('export.account')}</dt><dd>${accountValue}</dd>
</dl>`;
}

function progress(node: ExecutionNode, { visit, config }: ExecutionPageInput): SafeHtml {
  if (node.execution.status !== 'running') return html``;
  const current = currentNode(node)!.execution;
  const job = current.targetType === 'job' ? findJob(current.targetId) : undefined;
  const instruction = job && expectations(job, { config, account: toRunnerAccount(visit.account) }).instruction;
  const levels = stepPath(node);
  return html`<section class="progress-panel" aria-labelledby="progress-title">
<h2 id="progress-title">${t('runnerPage.exec.progress')}</h2>
${levels.map((level, i) => {
  const step = t('runnerPage.exec.step', { index: level.index, count: level.count, title: level.title });
  const prior = level.index - 1;
  const done = t('runnerPage.exec.stepsDone', { done: prior, count: level.count });
  return html`<p class="step-count">${step}</p>
<progress class="steps-bar" max="${level.count}" value="${prior}" aria-label="${done}" data-level="${i}"></progress>`;
})}
${instruction ? html`<p class="todo"><strong>${t('runnerPage.exec.todo')}</strong> ${instruction}</p>` : ''}
${job ? listeningWindow(current) : ''}
</section>`;
}

/** The unit's listening window: a bar and a countdown that runner.js keeps moving. */
function listeningWindow(unit: Execution): SafeHtml {
  if (!unit.window) return html`<p class="window">${t('runnerPage.exec.windowPending')}</p>`;
  const { start, end } = unit.window;
  const now = Date.now();
  const total = Math.round((end - start) / 1000);
  const elapsed = Math.min(total, Math.max(0, Math.floor((now - start) / 1000)));
  const text =
    now >= end
      ? t('runnerPage.exec.windowOver')
      : t('runnerPage.exec.countdown', { elapsed, total, remaining: total - elapsed, until: clockTime(end) });
  const permille = Math.min(1000, Math.max(0, Math.round(((now - start) / (end - start)) * 1000)));
  return html`<div class="window" data-start="${start}" data-end="${end}">
<p class="window-label" id="window-label">${t('runnerPage.exec.window')}</p>
<progress max="1000" value="${permille}" aria-labelledby="window-label"></progress>
<p class="countdown">${text}</p>
<p class="hint">${t('runnerPage.exec.earlyEnd')}</p>
</div>`;
}

function actions({ visit, execution, csrf }: ExecutionPageInput): SafeHtml {
  const base = runnerUrl(visit.account.id, `executions/${execution.id}`);
  const exports = `/api/v1/executions/${execution.id}`;
  const token = csrf.instance.field(csrf.token);
  const stop = html`<button type="submit" class="danger">${t('runnerPage.exec.stop')}</button>`;
  const options = t('runnerPage.exec.rerunOptions', { options: optionsText(execution) });
  const rerun = html`<button type="submit">${t('runnerPage.exec.rerun')}</button> <span class="hint">${options}</span>`;
  return html`<div class="actions">
${
  execution.status === 'running'
    ? html`<form method="post" action="${base}/arreter">${token}${stop}</form>`
    : html`<form method="post" action="${base}/relancer">${token}${rerun}</form>`
}
<ul class="links">
<li><a href="${exports}/export.html">${t('runnerPage.exec.exportHtml')}</a></li>
<li><a href="${exports}/export.json">${t('runnerPage.exec.exportJson')}</a></li>
<li><a class="refresh" href="${base}">${t('runnerPage.exec.refresh')}</a></li>
</ul>
</div>`;
}

/** One check: ✔ passed, ✘ failed or missing (with « Que corriger »), ○ not evaluated (neutral), ℹ information. */
function checkItem(c: Check): SafeHtml {
  const mark = html`<span class="mark" aria-hidden="true">${CHECK_MARKS[c.outcome]}</span>`;
  const outcome = html`<span class="outcome">${t(`export.outcome.${c.outcome}`)}</span>`;
  const critical = c.critical ? html` <span class="critical">${t('runnerPage.exec.critical')}</span>` : '';
  return html`<li class="check c-${c.outcome}">
<p class="check-head">${mark} <strong>${c.label}</strong> &mdash; ${outcome}${critical}</p>
<p class="detail">${c.detail}</p>
${c.fix ? html`<p class="fix"><strong>${t('export.fix')}&nbsp;:</strong> ${c.fix}</p>` : ''}
${
  c.requirement
    ? html`<p class="requirement">${t('runnerPage.exec.requirement', { requirement: c.requirement })}</p>`
    : ''
}
</li>`;
}

function verdict(e: Execution): SafeHtml {
  if (e.status !== 'finished' || !e.verdict) return html``;
  const label = html`<span class="verdict-label">${verdictLabel(e.verdict)}</span>`;
  const connectionHelp = e.verdict === 'INCONCLUSIVE' || e.checks.some((c) => c.id === 'connection');
  return html`<section class="verdict v-${e.verdict.toLowerCase()}" aria-labelledby="verdict-title">
<h2 id="verdict-title">${t('runnerPage.exec.verdict')} ${verdictBadge(e)} ${label}</h2>
<p>${t(`runnerPage.exec.meaning.${e.verdict}`)}</p>
${connectionHelp ? html`<p class="seen-link"><a href="/mon-poste">${t('runnerPage.exec.preflightLink')}</a></p>` : ''}
<h3>${t('export.checks')}</h3>
${
  e.checks.length
    ? html`<ul class="checks">${e.checks.map(checkItem)}</ul>`
    : html`<p>${t('runnerPage.exec.noChecks')}</p>`
}
</section>`;
}

/** Each step of a global job or the campaign, started or not, with its verdict as it ends. */
function steps(node: ExecutionNode, visit: Visit): SafeHtml {
  const plan = planned(node.execution);
  if (!plan.length) return html``;
  const done = node.children.filter((c) => c.execution.status === 'finished');
  const counts = t('runnerPage.exec.counts', {
    ok: done.filter((c) => c.execution.verdict === 'OK').length,
    failed: done.filter((c) => c.execution.verdict !== 'OK').length,
    running: node.children.length - done.length,
    pending: Math.max(0, plan.length - node.children.length),
  });
  return html`<section class="steps-panel" aria-labelledby="steps-title-${node.execution.id}">
<h2 id="steps-title-${node.execution.id}">${t('runnerPage.exec.steps')}</h2>
${stepList(node, visit, counts)}
</section>`;
}

function stepList(node: ExecutionNode, visit: Visit, counts?: string): SafeHtml {
  const plan = planned(node.execution);
  return html`${counts ? html`<p class="counts">${counts}</p>` : ''}<ol class="steps">${plan.map((step, i) => {
    const child = node.children[i];
    if (!child) {
      const pending = html`<span class="verdict-badge v-pending">${t('runnerPage.exec.notStarted')}</span>`;
      return html`<li class="step s-pending">${pending} ${step.title}</li>`;
    }
    const e = child.execution;
    const duration = (e.endedAt ?? Date.now()) - e.startedAt;
    const state = e.status === 'running' ? 'running' : (e.verdict ?? 'running').toLowerCase();
    const link = executionLink(visit.account.id, e);
    const time = html`<span class="hint"${elapsedSince(e)}>${durationText(duration)}</span>`;
    return html`<li class="step s-${state}">${verdictBadge(e)} ${link} ${step.title} ${time}
${planned(e).length && child.children.length ? stepList(child, visit) : ''}</li>`;
  })}</ol>`;
}
