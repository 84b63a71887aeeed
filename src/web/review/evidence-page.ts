// The evidence of an execution (runner/evidence.ts) as a printable French page: the export.html download and
// the content of the agency review's execution page. Self-contained but for the shared stylesheet.
import { t } from '../../i18n/messages.ts';
import { clockTime, timeZone, zoneLabel } from '../../i18n/time.ts';
import type { Evidence, EvidenceStep } from '../../runner/evidence.ts';
import { frenchDateTime as clock, html, page, type SafeHtml } from '../html.ts';

const OUTCOME_CLASS = { pass: 'ok', fail: 'ko', missing: 'ko', not_evaluated: 'neutral', info: '' } as const;

/** The printable page: French, self-contained but for the shared stylesheet. */
export function evidencePage(evidence: Evidence): string {
  const top = evidence.execution;
  return page({
    title: t('export.title', { id: top.id, title: top.title }),
    area: t('export.area'),
    body: evidenceBody(evidence),
  });
}

/** The evidence as HTML: the printable page's content, also shown in the agency review's pages. */
export function evidenceBody(evidence: Evidence): SafeHtml {
  const top = evidence.execution;
  const { account } = evidence;
  const accountValue = t('export.accountValue', {
    nil: account.nil,
    organisation: account.organisation,
    user: account.runnerUserId,
  });
  const mailboxes = [account.mailboxes.personal, account.mailboxes.applicative].filter(Boolean).join(', ') || '—';
  return html`<h1>${t('export.title', { id: top.id, title: top.title })}</h1>
<table class="facts">
<tr><th scope="row">${t('export.account')}</th><td>${accountValue}</td></tr>
<tr><th scope="row">${t('export.mailboxes')}</th><td>${mailboxes}</td></tr>
<tr><th scope="row">${t('export.startedBy')}</th><td>${top.startedBy}</td></tr>
<tr><th scope="row">${t('export.exportedAt')}</th><td>${clock(evidence.exportedAt)}</td></tr>
<tr><th scope="row">${t('time.zoneRow')}</th><td>${zoneLabel()} (${timeZone()})</td></tr>
</table>
${stepSection(evidence, 2)}`;
}

function stepSection(s: EvidenceStep, level: 2 | 3 | 4): SafeHtml {
  const e = s.execution;
  const heading = (text: string) =>
    level === 2 ? html`<h2>${text}</h2>` : level === 3 ? html`<h3>${text}</h3>` : html`<h4>${text}</h4>`;
  const verdict = e.verdict ? t(`verdict.${e.verdict}`) : t('export.running');
  const verdictClass = e.verdict === 'OK' ? 'ok' : 'ko';
  const options = t('export.optionsValue', { delai: e.options.delaiSeconds, ip: e.options.ip ?? t('runner.noIp') });
  const ended = e.endedAt === null ? '—' : clock(e.endedAt);
  const seconds =
    s.durationMs === null ? '' : (s.durationMs / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 });
  const duration = s.durationMs === null ? '' : ` (${t('export.duration', { seconds })})`;
  const windowText = e.window && html`${clock(e.window.start)} &rarr; ${clock(e.window.end)}`;
  const columns = [t('export.check'), t('export.outcome'), t('export.detail'), t('export.requirement')];
  return html`<section>
${level > 2 ? heading(t('export.stepTitle', { id: e.id, title: e.title })) : ''}
<table class="facts">
<tr><th scope="row">${t('export.job')}</th><td>${e.title} <code>${e.targetId}</code></td></tr>
<tr><th scope="row">${t('export.options')}</th><td>${options}</td></tr>
<tr><th scope="row">${t('export.started')}</th><td>${clock(e.startedAt)}</td></tr>
<tr><th scope="row">${t('export.ended')}</th><td>${ended}${duration}</td></tr>
${windowText ? html`<tr><th scope="row">${t('export.window')}</th><td>${windowText}</td></tr>` : ''}
<tr><th scope="row">${t('export.verdict')}</th><td><strong class="${verdictClass}">${verdict}</strong></td></tr>
</table>
${heading(t('export.checks'))}
${
  e.checks.length
    ? html`<table><thead><tr>${columns.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>
${e.checks.map((c) => {
  const label = html`${c.label}${c.critical ? ` ${t('runner.critical')}` : ''}`;
  const outcome = html`<td class="${OUTCOME_CLASS[c.outcome]}">${t(`export.outcome.${c.outcome}`)}</td>`;
  const fix = c.fix ? html`<br><strong>${t('export.fix')}&nbsp;:</strong> ${c.fix}` : '';
  return html`<tr><td>${label}</td>${outcome}<td>${c.detail}${fix}</td><td>${c.requirement}</td></tr>`;
})}
</tbody></table>`
    : html`<p>${t('export.none')}</p>`
}
${heading(t('export.log'))}
<pre>${s.log.map((line) => `${clockTime(line.at)}  ${line.text}`).join('\n')}</pre>
${heading(t('export.observations'))}
${
  s.observations.length
    ? s.observations.map((o) => {
        const title = t('export.observation', { id: o.id, kind: o.kind, at: clock(o.at) });
        return html`<h5>${title}</h5><pre>${JSON.stringify(o, null, 2)}</pre>`;
      })
    : html`<p>${t('export.none')}</p>`
}
${s.children.map((child) => stepSection(child, level === 2 ? 3 : 4))}
</section>`;
}
