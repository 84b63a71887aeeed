// A job's page (manual §3.4 figure 11, §3.5): what it checks and against which server, its « Attendus » for
// this account, the options form (Adresse IP pre-filled with the address the platform sees this browser at,
// Délai within its bounds, the manual's help texts) with « Exécuter maintenant », its statistics and its
// latest executions. A global job or the campaign lists its steps instead of the Attendus.
import { toRunnerAccount } from '../../accounts/accounts.ts';
import { expectations } from '../../catalogue/expectations.ts';
import { kindOf } from '../../catalogue/kinds/index.ts';
import { CAMPAIGN_ORDER, findFolder, type UnitJob, targetTitle } from '../../catalogue/jobs.ts';
import type { Config } from '../../config/config.ts';
import { t } from '../../i18n/messages.ts';
import type { Csrf } from '../csrf.ts';
import { errorSummary, field } from '../forms.ts';
import type { Target } from '../../runner/runner.ts';
import type { ExecutionStore } from '../../runner/store.ts';
import { frenchDateTime, html, type SafeHtml } from '../html.ts';
import type { Visit } from './access.ts';
import { hasMailboxFor } from './jobs-page.ts';
import { runnerUrl } from './layout.ts';
import { executionLink, statsSection, verdictBadge } from './views.ts';

export interface OptionsForm {
  values: { ip: string; delai: string };
  errors: { ip?: string | undefined; delai?: string | undefined; general?: string | undefined };
}

interface JobPageInput {
  visit: Visit;
  target: Target;
  targetId: string;
  config: Config;
  executions: ExecutionStore;
  csrf: { instance: Csrf; token: string };
  /** The address the platform sees this browser at, normalised as mail sessions record addresses. */
  browserIp: string;
  form?: OptionsForm | undefined;
}

function unitJobs(target: Target): UnitJob[] {
  if (target.type === 'job') return [target.job];
  if (target.type === 'folder') return target.folder.jobs;
  return CAMPAIGN_ORDER.flatMap((id) => findFolder(id)!.jobs);
}

/** Why this account cannot run the target, if it cannot. */
function blocker(visit: Visit, target: Target): string | undefined {
  if (target.type === 'folder' && !target.folder.global) return t('runnerPage.job.notGlobal');
  if (visit.account.status !== 'available') return t('api.error.accountUnavailable');
  const missing = unitJobs(target).find((job) => !hasMailboxFor(visit, job));
  return missing && t(missing.bal === 'PSC' ? 'runner.error.noPersonalMailbox' : 'runner.error.noApplicativeMailbox');
}

export async function jobBody(input: JobPageInput): Promise<SafeHtml> {
  const { visit, target, targetId, executions } = input;
  const id = visit.account.id;
  const recent = await executions.list({ accountIds: [id], targetId, limit: 5 });
  const runnable = !(target.type === 'folder' && !target.folder.global);
  const folder = target.type === 'job' ? html` &rsaquo; ${target.job.folder}` : '';
  const recentList = recent.length
    ? html`<ul class="plain">${recent.map((e) => {
        const at = html`<span class="hint">${frenchDateTime(e.startedAt)}</span>`;
        return html`<li>${verdictBadge(e)} ${executionLink(id, e)} ${at}</li>`;
      })}</ul>`
    : html`<p>${t('runnerPage.jobs.neverRun')}</p>`;
  return html`<p class="crumbs"><a href="${runnerUrl(id, 'jobs')}">${t('runnerPage.tab.jobs')}</a>${folder}</p>
<h1>${targetTitle({ targetType: target.type, targetId })}</h1>
${description(input)}
${launchSection(input)}
${target.type === 'job' ? attendusSection(input, target.job) : stepsSection(input)}
${runnable ? await statsSection(executions, targetId, id) : ''}
${
  runnable
    ? html`<section aria-labelledby="recent-title"><h2 id="recent-title">${t('runnerPage.job.recent')}</h2>
${recentList}
</section>`
    : ''
}`;
}

function description({ target, config, visit }: JobPageInput): SafeHtml {
  if (target.type === 'campaign')
    return html`<p>${t('runnerPage.jobs.campaign', { folders: CAMPAIGN_ORDER.join(', ') })}</p>`;
  if (target.type === 'folder') {
    const count = target.folder.jobs.length;
    const globalText = target.folder.global ? html`<p>${t('runnerPage.job.globalText', { count })}</p>` : '';
    return html`<p>${target.folder.description}.</p>${globalText}`;
  }
  const job = target.job;
  const endpoint = config.endpoints.find((e) => e.id === job.endpoint)!;
  const mailbox = job.bal === 'PSC' ? visit.account.mailboxes.personal : visit.account.mailboxes.applicative;
  const balLabel = t(job.bal === 'PSC' ? 'attendus.balPersonal' : 'attendus.balApplicative');
  const server = t('runnerPage.job.serverValue', {
    protocol: job.protocol.toUpperCase(),
    host: endpoint.host,
    port: job.protocol === 'imap' ? endpoint.imapPort : endpoint.smtpPort,
    certificate: t(`certificate.${endpoint.certificate}`),
  });
  return html`<dl class="facts">
<dt>${t('runnerPage.job.requirements')}</dt><dd>${job.requirements.join(', ')}</dd>
<dt>${t('runnerPage.job.mailbox')}</dt><dd>${balLabel} : ${mailbox ?? t('runnerPage.readme.noMailbox')}</dd>
<dt>${t('runnerPage.job.server')}</dt><dd>${server}</dd>
<dt>${t('runnerPage.job.folder')}</dt><dd>${job.folder}</dd>
</dl>`;
}

function launchSection(input: JobPageInput): SafeHtml {
  const { visit, target, targetId, config, csrf, browserIp, form } = input;
  const blocked = blocker(visit, target);
  if (blocked) {
    const title = html`<h2 id="launch-title">${t('runnerPage.job.launch')}</h2>`;
    const notice = html`<p class="notice">${blocked}</p>`;
    return html`<section class="launch" aria-labelledby="launch-title">${title}${notice}</section>`;
  }
  const ipRequired = target.type !== 'job' || target.job.ipRequired;
  const { runner } = config;
  const values = form?.values ?? { ip: browserIp, delai: String(runner.delaiDefaultSeconds) };
  const errors = form?.errors ?? {};
  const ipHelp = t((target.type === 'job' && kindOf(target.job).ipHelp) || 'runnerPage.job.ipHelp');
  const ipNeed = t(ipRequired ? 'runnerPage.job.ipRequired' : 'runnerPage.job.ipOptional');
  const ipDetected = t('runnerPage.job.ipDetected', { ip: browserIp });
  const bounds = { min: runner.delaiMinSeconds, max: runner.delaiMaxSeconds, default: runner.delaiDefaultSeconds };
  const delaiBounds = t(
    target.type === 'job' ? 'runnerPage.job.delaiBounds' : 'runnerPage.job.delaiBoundsGlobal',
    bounds,
  );
  const runNow = t('runnerPage.job.runNow');
  return html`<section class="launch" aria-labelledby="launch-title">
<h2 id="launch-title">${t('runnerPage.job.launch')}</h2>
<form method="post" action="${runnerUrl(visit.account.id, `jobs/${targetId}`)}" class="stack" novalidate>
${csrf.instance.field(csrf.token)}
${errorSummary(errors)}
${field({
  name: 'ip',
  label: t('runnerPage.job.ip'),
  value: values.ip,
  error: errors.ip,
  required: ipRequired,
  autocomplete: 'off',
  hint: `${ipHelp} ${ipNeed} ${ipDetected}`,
})}
${field({
  name: 'delai',
  label: t('runnerPage.job.delai'),
  value: values.delai,
  error: errors.delai,
  inputmode: 'numeric',
  autocomplete: 'off',
  hint: `${t('runnerPage.job.delaiHelp')} ${delaiBounds}`,
})}
<div><button type="submit" class="run-now"><span aria-hidden="true">&#9654; </span>${runNow}</button></div>
</form>
</section>`;
}

function attendusSection({ visit, config }: JobPageInput, job: UnitJob): SafeHtml {
  const attendus = expectations(job, { config, account: toRunnerAccount(visit.account) });
  const list = (items: string[]) => html`<ul>${items.map((item) => html`<li>${item}</li>`)}</ul>`;
  return html`<section class="attendus" aria-labelledby="attendus-title">
<h2 id="attendus-title">${t('runnerPage.job.attendus')}</h2>
<h3>${t('runnerPage.job.prerequisites')}</h3>${list(attendus.prerequisites)}
<h3>${t('runnerPage.job.preparation')}</h3>
<h4>${t('runnerPage.job.preparationLps')}</h4>${list(attendus.preparation.lps)}
<h4>${t('runnerPage.job.preparationTool')}</h4>${list(attendus.preparation.runner)}
<h3>${t('runnerPage.job.test')}</h3><ol>${attendus.test.map((step) => html`<li>${step}</li>`)}</ol>
</section>`;
}

/** A global job's units, or the campaign's global jobs, in the order they run. */
function stepsSection({ visit, target }: JobPageInput): SafeHtml {
  const id = visit.account.id;
  const link = (targetId: string, title: string) => html`<a href="${runnerUrl(id, `jobs/${targetId}`)}">${title}</a>`;
  const items =
    target.type === 'campaign'
      ? CAMPAIGN_ORDER.map((folderId) => {
          const count = t('runnerPage.job.unitCount', { count: findFolder(folderId)!.jobs.length });
          return html`<li>${link(folderId, t('execution.folderTitle', { folder: folderId }))} &mdash; ${count}</li>`;
        })
      : unitJobs(target).map((job) => html`<li>${link(job.id, job.title)}</li>`);
  const heading = t(target.type === 'campaign' ? 'runnerPage.job.campaignSteps' : 'runnerPage.job.folderSteps');
  return html`<section aria-labelledby="steps-title"><h2 id="steps-title">${heading}</h2><ol>${items}</ol></section>`;
}
