// The evidence of an execution (catalogue.md: what a vendor sends the agency under its #id): options,
// timings, verdict, every check with its requirement, the whole log and, in full, the observations the
// verdict used; a global job's or a campaign's carry their steps' evidence too. Exported as JSON and as a
// printable French page.
import { z } from 'zod';
import type { ProductAccount } from '../accounts/accounts.ts';
import { findFolder, findJob } from '../catalogue/jobs.ts';
import { t } from '../i18n/messages.ts';
import { clockTime, timeZone, zoneLabel } from '../i18n/time.ts';
import type { Journal, Observation } from '../observe/journal.ts';
import type { ExecutionStore } from '../runner/store.ts';
import type { Execution } from '../runner/types.ts';
import { frenchDateTime as clock, html, page, type SafeHtml } from '../web/html.ts';
import { executionSchema, logLineSchema, observationSchema } from './schemas.ts';

const evidenceOf = (children: z.ZodType) =>
  z.object({
    execution: executionSchema,
    durationMs: z.number().int().nullable().describe('Durée de l’exécution, une fois terminée'),
    log: z.array(logLineSchema),
    observations: z.array(observationSchema).describe('Observations utilisées par le verdict, en entier'),
    children,
  });

const accountSummarySchema = z.object({
  id: z.number().int(),
  nil: z.string(),
  runnerUserId: z.string(),
  organisation: z.string(),
  idnatPsc: z.string().nullable(),
  idnatAuthCli: z.string().nullable(),
  mailboxes: z.object({ personal: z.string().nullable(), applicative: z.string().nullable(), patient: z.string().nullable() }),
});

/** A campaign's global jobs hold unit jobs: two levels of steps at most. */
export const evidenceSchema = evidenceOf(z.array(evidenceOf(z.array(evidenceOf(z.array(z.never())))))).extend({
  account: accountSummarySchema.describe('Le compte tel qu’il était au lancement de l’exécution (tel qu’il est à l’export pour les exécutions plus anciennes)'),
  exportedAt: z.number().int(),
});

type Step = z.output<ReturnType<typeof evidenceOf>> & { children: Step[] };
export type Evidence = z.input<typeof evidenceSchema>;

/** Title of what an execution ran: the unit job's, the folder's id, or the campaign. */
export function targetTitle(execution: Pick<Execution, 'targetType' | 'targetId'>): string {
  if (execution.targetType === 'job') return findJob(execution.targetId)?.title ?? execution.targetId;
  if (execution.targetType === 'folder') return findFolder(execution.targetId) ? t('execution.folderTitle', { folder: execution.targetId }) : execution.targetId;
  return t('execution.campaignTitle');
}

export function executionView(execution: Execution) {
  return { ...execution, title: targetTitle(execution) };
}

export async function buildEvidence(execution: Execution, account: ProductAccount, deps: { executions: ExecutionStore; journal: Journal }): Promise<Evidence> {
  return {
    ...(await step(execution, deps)),
    account: asRun(execution, account),
    exportedAt: Date.now(),
  };
}

/** The account's values when the execution started (the snapshot), else as it is now. */
function asRun(execution: Execution, account: ProductAccount): Evidence['account'] {
  const run = execution.account;
  const common = { id: account.id, organisation: account.organisation.raisonSociale };
  if (!run) return { ...common, nil: account.nil, runnerUserId: account.runnerUserId, idnatPsc: account.idnatPsc, idnatAuthCli: account.idnatAuthCli, mailboxes: account.mailboxes };
  return {
    ...common,
    nil: run.nil,
    runnerUserId: run.runnerUserId,
    idnatPsc: run.idnatPsc,
    idnatAuthCli: run.idnatAuthCli,
    mailboxes: { personal: run.personalMailbox, applicative: run.applicativeMailbox, patient: run.patientAddress },
  };
}

async function step(execution: Execution, deps: { executions: ExecutionStore; journal: Journal }): Promise<Step> {
  const children = await deps.executions.children(execution.id);
  return {
    execution: executionView(execution),
    durationMs: execution.endedAt === null ? null : execution.endedAt - execution.startedAt,
    log: await deps.executions.log(execution.id),
    observations: await usedObservations(execution, deps.journal),
    children: await Promise.all(children.map((child) => step(child, deps))),
  };
}

/** The observations a verdict used (they lie in the unit's window: read its id range, keep the used ones). */
async function usedObservations(execution: Execution, journal: Journal): Promise<Observation[]> {
  const ids = new Set([...execution.observationIds, ...execution.checks.flatMap((c) => c.observations)]);
  if (ids.size === 0) return [];
  const low = Math.min(...ids);
  const high = Math.max(...ids);
  const range = await journal.query({ afterId: low - 1, limit: high - low + 1 });
  return range.filter((o) => ids.has(o.id));
}

const OUTCOME_CLASS = { pass: 'ok', fail: 'ko', missing: 'ko', not_evaluated: 'neutral', info: '' } as const;

/** The printable page: French, self-contained but for the shared stylesheet. */
export function evidencePage(evidence: Evidence): string {
  const top = evidence.execution;
  return page({ title: t('export.title', { id: top.id, title: top.title }), area: t('export.area'), body: evidenceBody(evidence) });
}

/** The evidence as HTML: the printable page's content, also shown in the agency review's pages. */
export function evidenceBody(evidence: Evidence): SafeHtml {
  const top = evidence.execution;
  return html`<h1>${t('export.title', { id: top.id, title: top.title })}</h1>
<table class="facts">
<tr><th scope="row">${t('export.account')}</th><td>${t('export.accountValue', { nil: evidence.account.nil, organisation: evidence.account.organisation, user: evidence.account.runnerUserId })}</td></tr>
<tr><th scope="row">${t('export.mailboxes')}</th><td>${[evidence.account.mailboxes.personal, evidence.account.mailboxes.applicative].filter(Boolean).join(', ') || '—'}</td></tr>
<tr><th scope="row">${t('export.startedBy')}</th><td>${top.startedBy}</td></tr>
<tr><th scope="row">${t('export.exportedAt')}</th><td>${clock(evidence.exportedAt)}</td></tr>
<tr><th scope="row">${t('time.zoneRow')}</th><td>${zoneLabel()} (${timeZone()})</td></tr>
</table>
${stepSection(evidence as unknown as Step, 2)}`;
}

function stepSection(s: Step, level: 2 | 3 | 4): SafeHtml {
  const e = s.execution;
  const heading = (text: string) => (level === 2 ? html`<h2>${text}</h2>` : level === 3 ? html`<h3>${text}</h3>` : html`<h4>${text}</h4>`);
  const verdict = e.verdict ? t(`verdict.${e.verdict}`) : t('export.running');
  return html`<section>
${level > 2 ? heading(t('export.stepTitle', { id: e.id, title: e.title })) : ''}
<table class="facts">
<tr><th scope="row">${t('export.job')}</th><td>${e.title} <code>${e.targetId}</code></td></tr>
<tr><th scope="row">${t('export.options')}</th><td>${t('export.optionsValue', { delai: e.options.delaiSeconds, ip: e.options.ip ?? t('runner.noIp') })}</td></tr>
<tr><th scope="row">${t('export.started')}</th><td>${clock(e.startedAt)}</td></tr>
<tr><th scope="row">${t('export.ended')}</th><td>${e.endedAt === null ? '—' : clock(e.endedAt)}${s.durationMs === null ? '' : ` (${t('export.duration', { seconds: (s.durationMs / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 }) })})`}</td></tr>
${e.window ? html`<tr><th scope="row">${t('export.window')}</th><td>${clock(e.window.start)} → ${clock(e.window.end)}</td></tr>` : ''}
<tr><th scope="row">${t('export.verdict')}</th><td><strong class="${e.verdict === 'OK' ? 'ok' : 'ko'}">${verdict}</strong></td></tr>
</table>
${heading(t('export.checks'))}
${e.checks.length
  ? html`<table><thead><tr><th>${t('export.check')}</th><th>${t('export.outcome')}</th><th>${t('export.detail')}</th><th>${t('export.requirement')}</th></tr></thead><tbody>
${e.checks.map((c) => html`<tr><td>${c.label}${c.critical ? ` ${t('runner.critical')}` : ''}</td><td class="${OUTCOME_CLASS[c.outcome]}">${t(`export.outcome.${c.outcome}`)}</td><td>${c.detail}${c.fix ? html`<br><strong>${t('export.fix')}&nbsp;:</strong> ${c.fix}` : ''}</td><td>${c.requirement}</td></tr>`)}
</tbody></table>`
  : html`<p>${t('export.none')}</p>`}
${heading(t('export.log'))}
<pre>${s.log.map((line) => `${clockTime(line.at)}  ${line.text}`).join('\n')}</pre>
${heading(t('export.observations'))}
${s.observations.length ? s.observations.map((o) => html`<h5>${t('export.observation', { id: o.id, kind: o.kind, at: clock(o.at) })}</h5><pre>${JSON.stringify(o, null, 2)}</pre>`) : html`<p>${t('export.none')}</p>`}
${s.children.map((child) => stepSection(child, level === 2 ? 3 : 4))}
</section>`;
}
