// The agency's review (/revue): reviewers — and admins — find any execution by the number a vendor sends them,
// read all its evidence (options, timings, verdict, each check with its explanation and requirement, the whole
// log, the observations the verdict used) as the runner assembles it (runner/evidence.ts), and export it as
// JSON or as the printable page. Vendors get « page introuvable », as for a page that does not exist.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlatformUser } from '../../accounts/directory.ts';
import { Access } from '../../auth/access.ts';
import { t } from '../../i18n/messages.ts';
import { field } from '../forms.ts';
import { buildEvidence } from '../../runner/evidence.ts';
import type { Execution } from '../../runner/types.ts';
import { html, type SafeHtml } from '../html.ts';
import type { Site } from '../site/index.ts';
import { evidenceBody } from './evidence-page.ts';
import { idOf, REVIEWERS } from '../site/layout.ts';

export function registerReviewPages(scope: FastifyInstance, site: Site): void {
  const { layout, accounts, executions, journal } = site;

  const searchPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    user: PlatformUser,
    value = '',
    error?: string,
    status = 200,
  ) =>
    layout.send(request, reply, {
      title: t('review.title'),
      user,
      status,
      body: html`<h1>${t('review.title')}</h1>
<p>${t('review.intro')}</p>
<form class="stack search" method="get" action="/revue" novalidate>
${field({
  name: 'execution',
  label: t('review.search'),
  value,
  error,
  required: true,
  inputmode: 'numeric',
  autocomplete: 'off',
  hint: t('review.searchHint'),
})}
<p><button type="submit">${t('review.searchButton')}</button></p>
</form>
${dossierLead()}`,
    });

  /**
   * The execution if the user may read it (reviewers and admins read any); undefined as for one that does not
   * exist.
   */
  const reachable = (user: PlatformUser, id: number): Promise<Execution | undefined> =>
    new Access({ user, via: 'session' }, accounts).execution(id, executions);

  scope.get<{ Querystring: { execution?: string } }>('/revue', async (request, reply) => {
    const user = await layout.guard(request, reply, REVIEWERS);
    if (!user) return reply;
    const asked = request.query.execution;
    if (asked === undefined) return searchPage(request, reply, user);
    const id = idOf(asked.trim().replace(/^(n°|#)\s*/i, ''));
    if (id === undefined) return searchPage(request, reply, user, asked, t('review.invalid'), 400);
    if (!(await reachable(user, id))) return searchPage(request, reply, user, asked, t('review.unknown', { id }), 404);
    return reply.redirect(`/revue/executions/${id}`, 303);
  });

  scope.get<{ Params: { id: string } }>('/revue/executions/:id', async (request, reply) => {
    const user = await layout.guard(request, reply, REVIEWERS);
    if (!user) return reply;
    const id = idOf(request.params.id);
    const execution = id === undefined ? undefined : await reachable(user, id);
    const account = execution && (await accounts.get(execution.accountId));
    if (!execution || !account) return layout.notFound(request, reply, user);
    const evidence = await buildEvidence(execution, account, { executions, journal });
    const exports = `/api/v1/executions/${execution.id}`;
    return layout.send(request, reply, {
      title: t('export.title', { id: execution.id, title: evidence.execution.title }),
      user,
      body: html`<nav class="actions" aria-label="${t('review.actions')}"><a href="/revue">${t('review.newSearch')}</a>
<a class="button" href="${exports}/export.json" download>${t('review.exportJson')}</a>
<a class="button secondary" href="${exports}/export.html">${t('review.exportHtml')}</a></nav>
${evidenceBody(evidence)}`,
    });
  });
}

/** The way to the agency's check of a whole dossier, with what it is for. */
function dossierLead(): SafeHtml {
  const link = html`<a class="button secondary" href="/revue/dossier">${t('dossier.review.title')}</a>`;
  return html`<p>${link} <span class="hint">${t('dossier.review.lead')}</span></p>`;
}
