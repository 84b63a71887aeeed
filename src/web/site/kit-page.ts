// The vendor kit of an account (/comptes/<id>/kit): what the ZIP holds, file by file, and its download
// (/comptes/<id>/kit.zip, accounts/kit.ts). For the account's own vendors, once its mailboxes exist.
import type { FastifyInstance } from 'fastify';
import { kitFiles, kitZip } from '../../accounts/kit.ts';
import { t } from '../../i18n/messages.ts';
import { html } from '../html.ts';
import { ownAccount } from './accounts-pages.ts';
import type { Site } from './index.ts';
import { cell, VENDORS } from './layout.ts';

export function registerKitPages(scope: FastifyInstance, site: Site): void {
  const { layout } = site;
  const sources = { config: site.config, pki: site.pki, log: site.log };

  scope.get<{ Params: { id: string } }>('/comptes/:id/kit', async (request, reply) => {
    const user = await layout.guard(request, reply, VENDORS);
    if (!user) return reply;
    const account = await ownAccount(site, user, request.params.id);
    if (!account || account.provisionedAt === null) return layout.notFound(request, reply, user);
    const files = await kitFiles(sources, account, await site.accounts.passwords(account));
    const head = [t('kit.col.file'), t('kit.col.about')];
    return layout.send(request, reply, {
      title: t('kit.pageTitle', { nil: account.nil }),
      user,
      body: html`<p><a href="/comptes/${account.id}">${t('kit.back', { nil: account.nil })}</a></p>
<h1>${t('kit.pageTitle', { nil: account.nil })}</h1>
<p>${t('kit.intro')}</p>
<p><a class="button" href="/comptes/${account.id}/kit.zip" download>${t('kit.download')}</a></p>
<table class="stack kit">
<caption class="visually-hidden">${t('kit.caption')}</caption>
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${files.map(
        (f) => html`<tr>${cell(head[0]!, html`<code>${f.path}</code>`)}${cell(head[1]!, f.about)}</tr>`,
      )}</tbody>
</table>
<h2>${t('kit.readmeTitle')}</h2>
<pre class="readme-text">${Buffer.from(files[0]!.content).toString('utf8')}</pre>`,
    });
  });

  scope.get<{ Params: { id: string } }>('/comptes/:id/kit.zip', async (request, reply) => {
    const user = await layout.guard(request, reply, VENDORS);
    if (!user) return reply;
    const account = await ownAccount(site, user, request.params.id);
    if (!account || account.provisionedAt === null) return layout.notFound(request, reply, user);
    const zip = await kitZip(sources, account, await site.accounts.passwords(account));
    const name = `kit-motco-${account.nil.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60)}.zip`;
    return reply
      .code(200)
      .type('application/zip')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(Buffer.from(zip));
  });
}
