// The agency's check of an evidence dossier (/revue/dossier): a reviewer uploads the ZIP a vendor sent; the page
// says whether its signature is valid and by which platform and key, compares each execution with this
// platform's own record when the dossier is one of its own, names every file that is not as signed, and shows
// the verdict table. Reviewers and admins only, as the rest of the review.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlatformUser } from '../../accounts/directory.ts';
import { megabytes } from '../../dossier/archive.ts';
import {
  compareWithRecord,
  dossierLimits,
  fileStatusText,
  signatureSentence,
  verifyDossier,
  type Comparison,
  type DossierVerification,
} from '../../dossier/verify.ts';
import { certificatesFromPem } from '../../pki/cms.ts';
import { t } from '../../i18n/messages.ts';
import type { CertificateSummary } from '../../pki/index.ts';
import { TRUST_FILES } from '../../pki/trust.ts';
import { PKI_PATHS } from '../../pki/issue.ts';
import { errorSummary } from '../forms.ts';
import { frenchDateTime, html, type SafeHtml } from '../html.ts';
import { boundaryOf, parseMultipart } from '../multipart.ts';
import type { Site } from '../site/index.ts';
import { cell, REVIEWERS } from '../site/layout.ts';

const PATH = '/revue/dossier';

type Manifest = NonNullable<DossierVerification['manifest']>;

export function registerDossierReview(scope: FastifyInstance, site: Site): void {
  const { layout, config, executions, pki } = site;
  const limits = dossierLimits(config);
  const roots = certificatesFromPem(pki.evidenceRootPem());

  const send = (request: FastifyRequest, reply: FastifyReply, user: PlatformUser, content: SafeHtml, status = 200) =>
    layout.send(request, reply, {
      title: t('dossier.review.title'),
      user,
      status,
      body: html`<h1>${t('dossier.review.title')}</h1>
${content}
${uploadForm(layout.csrf.field(layout.csrf.token(request, reply)))}`,
    });

  // Its own scope: only this route reads multipart bodies, and only it takes a whole dossier as a body.
  void scope.register(async (inner) => {
    inner.addContentTypeParser(
      'multipart/form-data',
      { parseAs: 'buffer', bodyLimit: config.dossier.maxBytes },
      (_request, body, done) => done(null, body),
    );

    inner.get(PATH, async (request, reply) => {
      const user = await layout.guard(request, reply, REVIEWERS);
      if (!user) return reply;
      return send(request, reply, user, html`<p>${t('dossier.review.intro')}</p>`);
    });

    inner.post(PATH, async (request, reply) => {
      const user = await layout.guard(request, reply, REVIEWERS);
      if (!user) return reply;
      const boundary = boundaryOf(request.headers['content-type']);
      const parsed = boundary && Buffer.isBuffer(request.body) ? parseMultipart(request.body, boundary) : undefined;
      const file = parsed?.files.get('dossier');
      if (!parsed || !file || file.data.length === 0)
        return send(request, reply, user, errorSummary({ dossier: t('dossier.review.noFile') }), 400);
      if (!layout.csrf.valid(request, parsed.fields))
        return send(request, reply, user, html`<p class="notice error" role="alert">${t('forms.csrf')}</p>`, 403);
      // Checked against this platform's evidence root: a valid signature makes it one of this platform's dossiers.
      const report = await verifyDossier(file.data, roots, limits);
      const comparisons = report.signature?.status === 'valid' ? await compare(report) : new Map<number, Comparison>();
      return send(request, reply, user, reportBody(report, file.filename, comparisons), report.problem ? 400 : 200);
    });
  });

  async function compare(report: DossierVerification): Promise<Map<number, Comparison>> {
    const found = new Map<number, Comparison>();
    for (const listed of report.manifest?.executions ?? [])
      found.set(listed.id, compareWithRecord(listed, report.manifest!.account.id, await executions.get(listed.id)));
    return found;
  }

  function uploadForm(csrfField: SafeHtml): SafeHtml {
    const trustLink = html`<a href="${PKI_PATHS.trust}/${TRUST_FILES.evidence}" download>${TRUST_FILES.evidence}</a>`;
    return html`<section class="upload" aria-labelledby="upload-title">
<h2 id="upload-title">${t('dossier.review.upload')}</h2>
<form method="post" action="${PATH}" enctype="multipart/form-data" class="stack">
${csrfField}
<div class="field"><label for="f-dossier">${t('dossier.review.file')} *</label>
<div class="hint" id="f-dossier-hint">${t('dossier.review.fileHint', { max: megabytes(config.dossier.maxBytes) })}</div>
<input type="file" id="f-dossier" name="dossier" accept=".zip,application/zip" required
aria-describedby="f-dossier-hint"></div>
<p><button type="submit">${t('dossier.review.verify')}</button></p>
</form>
<p class="hint">${t('dossier.review.offline')} ${trustLink}</p>
</section>`;
  }
}

function reportBody(report: DossierVerification, filename: string, comparisons: Map<number, Comparison>): SafeHtml {
  if (report.problem && !report.manifest) {
    const unreadable = t('dossier.review.unreadable', { file: filename.slice(0, 200) });
    const problem = html`<p><strong>${unreadable}</strong></p><p>${report.problem}</p>`;
    return html`<div class="notice error verdict-box" role="alert">${problem}</div>`;
  }
  const bad = report.files.filter((f) => f.status !== 'ok');
  const manifest = report.manifest;
  const signature = report.signature;
  const sameInstance = signature?.status === 'valid';
  const signedAt = signature?.signingTime && frenchDateTime(signature.signingTime.getTime());
  const fileColumn = t('dossier.review.col.file');
  const stateColumn = t('dossier.review.col.state');
  return html`<div class="notice${report.ok ? ' success' : ' error'} verdict-box" role="status">
<p><strong>${
    report.ok ? t('dossier.review.ok', { count: manifest?.executions.length ?? 0 }) : t('dossier.review.notOk')
  }</strong></p>
<p>${signatureSentence(signature)}</p>
${
  bad.length
    ? html`<ul>${bad.map((f) => html`<li><code>${f.path}</code> : ${fileStatusText(f.status)}</li>`)}</ul>`
    : ''
}
${report.problem ? html`<p>${report.problem}</p>` : ''}
</div>
<section aria-labelledby="signature-title">
<h2 id="signature-title">${t('dossier.review.signature')}</h2>
<table class="facts">
<tr><th scope="row">${t('dossier.review.file')}</th><td><code>${filename.slice(0, 200)}</code></td></tr>
${manifest ? manifestRows(manifest, sameInstance) : ''}
${signedAt ? html`<tr><th scope="row">${t('dossier.review.signingTime')}</th><td>${signedAt}</td></tr>` : ''}
${signature?.signer ? certificateRows(t('dossier.review.signer'), signature.signer) : ''}
${signature?.root ? certificateRows(t('dossier.review.root'), signature.root) : ''}
</table>
</section>
${
  manifest
    ? html`<section aria-labelledby="account-title">
<h2 id="account-title">${t('dossier.review.account')}</h2>
<table class="facts">
${accountRows(manifest.account)}
</table>
</section>
${verdictTable(report, comparisons, sameInstance)}`
    : ''
}
<details class="files"><summary>${t('dossier.review.files', { count: report.files.length, bad: bad.length })}</summary>
<table class="stack"><thead><tr><th scope="col">${fileColumn}</th><th scope="col">${stateColumn}</th></tr></thead>
<tbody>${report.files.map((f) => {
    const state = html`<span class="${f.status === 'ok' ? 'ok' : 'ko'}">${fileStatusText(f.status)}</span>`;
    return html`<tr>${cell(fileColumn, html`<code>${f.path}</code>`)}${cell(stateColumn, state)}</tr>`;
  })}</tbody></table>
</details>`;
}

/** The signed manifest's reference, the platform that signed it (this one when `sameInstance`) and when. */
function manifestRows(manifest: Manifest, sameInstance: boolean): SafeHtml {
  const { name, version, publicUrl } = manifest.platform;
  const ours = sameInstance ? html` <strong class="ok">${t('dossier.review.thisPlatform')}</strong>` : '';
  const platform = html`${name} ${version} &mdash; <code>${publicUrl}</code>${ours}`;
  const generated = frenchDateTime(Date.parse(manifest.generatedAt));
  const reference = html`<code>${manifest.reference}</code>`;
  return html`<tr><th scope="row">${t('dossier.review.reference')}</th><td>${reference}</td></tr>
<tr><th scope="row">${t('dossier.review.platform')}</th><td>${platform}</td></tr>
<tr><th scope="row">${t('dossier.review.generatedAt')}</th><td>${generated}</td></tr>`;
}

function accountRows(account: Manifest['account']): SafeHtml {
  const { organisation, mailboxes } = account;
  const value = t('export.accountValue', {
    nil: account.nil,
    organisation: `${organisation.raisonSociale} (${organisation.immatriculation})`,
    user: account.runnerUserId,
  });
  const addresses = [mailboxes.personal, mailboxes.applicative].filter(Boolean).join(', ') || '—';
  return html`<tr><th scope="row">${t('export.account')}</th><td>${value}</td></tr>
<tr><th scope="row">${t('export.mailboxes')}</th><td>${addresses}</td></tr>`;
}

function certificateRows(label: string, c: CertificateSummary): SafeHtml {
  const issuer = html`${t('dossier.review.issuer')} <code>${c.issuer}</code>`;
  const serial = html`${t('dossier.review.serial')} <code>${c.serialNumber}</code>`;
  const fingerprint = html`${t('dossier.review.fingerprint')} <code>${c.fingerprint}</code>`;
  const validity = t('dossier.review.validity', {
    from: frenchDateTime(c.notBefore.getTime()),
    to: frenchDateTime(c.notAfter.getTime()),
  });
  const details = html`<code>${c.subject}</code><br>${issuer}<br>${serial}<br>${fingerprint}<br>${validity}`;
  return html`<tr><th scope="row">${label}</th><td>${details}</td></tr>`;
}

/** The verdict table: each execution, its verdict, whether its files are intact and how it compares with the record. */
function verdictTable(
  report: DossierVerification,
  comparisons: Map<number, Comparison>,
  sameInstance: boolean,
): SafeHtml {
  const manifest = report.manifest!;
  const state = new Map(report.files.map((f) => [f.path, f.status]));
  const head = [
    t('dossier.review.col.execution'),
    t('dossier.review.col.job'),
    t('dossier.review.col.requirements'),
    t('dossier.review.col.verdict'),
    t('dossier.review.col.date'),
    t('dossier.review.col.files'),
    t('dossier.review.col.record'),
  ];
  const ok = manifest.executions.filter((e) => e.verdict === 'OK').length;
  return html`<section aria-labelledby="verdicts-title">
<h2 id="verdicts-title">${t('dossier.review.verdicts', { ok, total: manifest.executions.length })}</h2>
<table class="stack verdicts">
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${manifest.executions.map((e) => {
    const intact = e.files.every((f) => state.get(f.path) === 'ok');
    const comparison = comparisons.get(e.id);
    const files = t(intact ? 'dossier.review.intact' : 'dossier.review.altered');
    const cells = [
      sameInstance ? html`<a href="/revue/executions/${e.id}">#${e.id}</a>` : html`#${e.id}`,
      html`${e.title} <code>${e.targetId}</code>`,
      e.requirements.join(', ') || '—',
      html`<strong class="${e.verdict === 'OK' ? 'ok' : 'ko'}">${t(`verdict.${e.verdict}`)}</strong>`,
      frenchDateTime(Date.parse(e.startedAt)),
      html`<span class="${intact ? 'ok' : 'ko'}">${files}</span>`,
      comparisonText(comparison, sameInstance),
    ];
    return html`<tr data-execution="${e.id}">${cells.map((c, i) => cell(head[i]!, c))}</tr>`;
  })}</tbody>
</table>
</section>`;
}

function comparisonText(comparison: Comparison | undefined, sameInstance: boolean): SafeHtml {
  if (!sameInstance || !comparison)
    return html`<span class="neutral">${t('dossier.review.record.otherPlatform')}</span>`;
  if (comparison.kind === 'same') return html`<span class="ok">${t('dossier.review.record.same')}</span>`;
  if (comparison.kind === 'unknown') return html`<span class="ko">${t('dossier.review.record.unknown')}</span>`;
  const fields = comparison.fields.map((f) => t(`dossier.review.field.${f as 'verdict'}`)).join(', ');
  return html`<span class="ko">${t('dossier.review.record.different', { fields })}</span>`;
}
