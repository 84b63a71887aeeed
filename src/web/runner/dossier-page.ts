// « Générer le dossier de preuves » (/outil/<account>/dossier): what a dossier holds and how the agency checks
// it, the executions to put in — the latest finished execution of each unit job, ticked; untick some, or name
// others by number — and the button that downloads the signed ZIP (dossier/build.ts).
import type { Config } from '../../config/config.ts';
import { UNIT_JOBS } from '../../catalogue/jobs.ts';
import { t } from '../../i18n/messages.ts';
import { PKI_PATHS } from '../../pki/issue.ts';
import { TRUST_FILES } from '../../pki/trust.ts';
import type { Execution } from '../../runner/types.ts';
import type { Csrf } from '../csrf.ts';
import { errorSummary, field, type Form } from '../forms.ts';
import { frenchDateTime, html, type SafeHtml } from '../html.ts';
import type { Visit } from './access.ts';
import { BOARD_PATH, runnerUrl } from './layout.ts';
import { verdictBadge } from './views.ts';

/** A ticked execution's field: e<id>=1 (the form parser keeps one value per name). */
const TICK = /^e([1-9]\d{0,9})$/;

export interface DossierForm {
  ticked: Set<number>;
  others: string;
  errors: string[];
}

/** The executions a posted form asks for, or the French problem with its « autres » field. */
export function chosenIds(form: Form): { ids: number[]; ticked: Set<number>; others: string; problem?: string } {
  const ticked = new Set(
    Object.keys(form).flatMap((name) => (TICK.test(name) && form[name] ? [Number(TICK.exec(name)![1])] : [])),
  );
  const others = (form.autres ?? '').trim();
  const words = others
    ? others
        .split(/[\s,;]+/)
        .map((w) => w.replace(/^(n°|#)/i, ''))
        .filter(Boolean)
    : [];
  const bad = words.find((w) => !/^[1-9]\d{0,9}$/.test(w));
  const ids = [...ticked, ...words.filter((w) => w !== bad).map(Number)];
  return {
    ids,
    ticked,
    others,
    ...(bad !== undefined ? { problem: t('dossier.form.badNumber', { value: bad.slice(0, 30) }) } : {}),
  };
}

export function dossierBody(input: {
  visit: Visit;
  latest: Execution[];
  config: Config;
  csrf: { instance: Csrf; token: string };
  form?: DossierForm;
}): SafeHtml {
  const { visit, latest, config, csrf, form } = input;
  const id = visit.account.id;
  const titleOf = new Map(UNIT_JOBS.map((j) => [j.id, j.title]));
  const checked = (e: Execution) => (form ? form.ticked.has(e.id) : true);
  const errors = Object.fromEntries((form?.errors ?? []).map((e, i) => [String(i), e]));
  const trustLink = html`<a href="${PKI_PATHS.trust}/${TRUST_FILES.evidence}" download>${TRUST_FILES.evidence}</a>`;
  const verifyCommand =
    'openssl cms -verify -binary -inform DER -in manifest.json.p7s -content manifest.json ' +
    `-CAfile ${TRUST_FILES.evidence}`;
  return html`<p class="crumbs"><a href="${runnerUrl(id, BOARD_PATH)}">${t('board.title')}</a></p>
<h1>${t('dossier.generate')}</h1>
<p>${t('dossier.intro')}</p>
<ul>
<li>${t('dossier.contents.manifest')}</li>
<li>${t('dossier.contents.evidence')}</li>
<li>${t('dossier.contents.signature')}</li>
</ul>
<p>${t('dossier.agencyChecks')} ${trustLink}</p>
<pre class="command">${verifyCommand}</pre>
<form method="post" action="${runnerUrl(id, 'dossier')}" class="dossier-form" novalidate>
${csrf.instance.field(csrf.token)}
${errorSummary(errors)}
<fieldset>
<legend>${t('dossier.form.legend', { count: latest.length })}</legend>
${
  latest.length
    ? html`<ul class="plain choices">${latest.map((e) => {
        const tick = checked(e) ? html` checked` : '';
        const box = html`<input type="checkbox" id="e${e.id}" name="e${e.id}" value="1"${tick}>`;
        const label = html`<label for="e${e.id}">#${e.id} &mdash; ${titleOf.get(e.targetId) ?? e.targetId}</label>`;
        const at = html`<span class="hint">${frenchDateTime(e.startedAt)}</span>`;
        return html`<li>${box} ${label} ${verdictBadge(e)} ${at}</li>`;
      })}</ul>`
    : html`<p>${t('dossier.form.none')}</p>`
}
</fieldset>
${field({
  name: 'autres',
  label: t('dossier.form.others'),
  value: form?.others ?? '',
  hint: t('dossier.form.othersHint', { max: config.dossier.maxExecutions }),
  autocomplete: 'off',
})}
<p><button type="submit">${t('dossier.form.submit')}</button></p>
</form>`;
}
