// A folder: the mailbox's folders with their counts (total, unread), then the folder's messages a page at a
// time, newest first or oldest first, each with its unread, flagged and attachment marks, and the actions
// on the selected ones. The folder list, rows and pager are the parts webmail.js refreshes on new mail.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { t, type MessageKey } from '../i18n/messages.ts';
import type { Folder } from '../mail/mailbox/store.ts';
import { html, type SafeHtml } from '../web/html.ts';
import {
  ACTIONS_URL,
  COMPOSE_URL,
  folderLabel,
  folderUrl,
  formatSize,
  messageUrl,
  notFound,
  sendPage,
  shortDate,
  sortFolders,
  type Order,
} from './layout.ts';
import { summarise } from './message.ts';
import type { WebmailDeps, WebmailSession } from './routes.ts';

const PAGE_SIZE = 25;

/** Notices a redirect may ask for (?info=…), after an action or a submission. */
const NOTICES: Record<string, MessageKey> = {
  envoye: 'webmail.notice.sent',
  corbeille: 'webmail.notice.trashed',
  efface: 'webmail.notice.expunged',
  deplace: 'webmail.notice.moved',
  marque: 'webmail.notice.updated',
  aucun: 'webmail.notice.noSelection',
  quota: 'webmail.limits.overQuota',
  'mots-cles': 'webmail.limits.keywords',
  'envoye-sans-copie': 'webmail.limits.sentNoCopy',
};

/** Notices that report a refusal: shown as an alert. */
const REFUSALS = new Set(['quota', 'mots-cles', 'envoye-sans-copie']);

type Query = { Querystring: { d?: string; page?: string; tri?: string; info?: string } };

export async function folderPage(
  deps: WebmailDeps,
  session: WebmailSession,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { d = 'INBOX', page: pageParam, tri, info } = (request as FastifyRequest<Query>).query;
  const { mailbox } = session;
  const folder = await deps.mailboxes.folder(mailbox.id, d);
  if (!folder) return notFound(reply);
  const order: Order = tri === 'ancien' ? 'ancien' : 'recent';
  const entries = await deps.mailboxes.index(folder.id);
  entries.sort((a, b) => (order === 'recent' ? -1 : 1) * (a.internalDate - b.internalDate || a.uid - b.uid));
  const pages = Math.max(1, Math.ceil(entries.length / PAGE_SIZE));
  const page = Math.min(pages, Math.max(1, Number.parseInt(pageParam ?? '1', 10) || 1));
  const shown = entries.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const heads = await deps.mailboxes.heads(
    folder.id,
    shown.map((e) => e.uid),
  );
  const folders = sortFolders(await deps.mailboxes.folders(mailbox.id));
  const counts = await deps.mailboxes.folderCounts(mailbox.id);
  const sent = folder.specialUse === '\\Sent';
  const here = folderUrl(folder.name, { page, order });
  const notice = info ? NOTICES[info] : undefined;

  const rows = shown.map((entry) => {
    const summary = summarise(heads.get(entry.uid) ?? Buffer.alloc(0));
    const unread = !entry.flags.includes('\\Seen');
    const flagged = entry.flags.includes('\\Flagged');
    const subject = summary.subject || t('webmail.noSubject');
    const who = (sent ? summary.to : summary.from) || t('webmail.unknownSender');
    const marks = [
      unread ? mark('●', 'webmail.list.unread', 'unread-mark') : '',
      flagged ? mark('★', 'webmail.list.flagged', 'flag-mark') : '',
      summary.hasAttachments ? mark('PJ', 'webmail.list.attachment', 'attachment-mark') : '',
    ];
    const isoDate = new Date(entry.internalDate).toISOString();
    return html`<tr${unread ? html` class="unread"` : ''} data-uid="${entry.uid}">
<td><input type="checkbox" name="m${entry.uid}" value="1" aria-label="${t('webmail.list.select', { subject })}"></td>
<td class="marks">${marks}</td>
<td class="who">${who}</td>
<td class="subject"><a href="${messageUrl(folder.name, entry.uid)}">${subject}</a></td>
<td class="date"><time datetime="${isoDate}">${shortDate(entry.internalDate)}</time></td>
<td class="size">${formatSize(entry.size)}</td>
</tr>`;
  });

  const body = html`<div class="webmail">
<nav class="folders" aria-label="${t('webmail.folders')}">
<ul id="folder-list" data-live>${folders.map((f) => folderItem(f, f.id === folder.id, counts.get(f.id)))}</ul>
</nav>
<section class="messages" aria-labelledby="folder-title">
<h1 id="folder-title">${folderLabel(folder)}</h1>
${
  notice
    ? REFUSALS.has(info!)
      ? html`<p class="notice error" role="alert">${t(notice)}</p>`
      : html`<p class="notice" role="status">${t(notice)}</p>`
    : ''
}
<p class="toolbar"><a class="button" href="${COMPOSE_URL}">${t('webmail.nav.compose')}</a> <a
  href="${here}">${t('webmail.list.refresh')}</a></p>
<p id="live-status" class="visually-hidden" role="status" data-text="${t('webmail.list.updated')}"></p>
<form method="post" action="${ACTIONS_URL}" id="message-list">
${deps.csrf.field(session.csrf)}
<input type="hidden" name="d" value="${folder.name}">
<input type="hidden" name="retour" value="${here}">
${actionBar(folders.filter((f) => f.id !== folder.id))}
<table>
<caption class="visually-hidden">${t('webmail.list.caption', { folder: folderLabel(folder) })}</caption>
<thead><tr>
<th scope="col"><span class="visually-hidden">${t('webmail.list.selection')}</span></th>
<th scope="col"><span class="visually-hidden">${t('webmail.list.marks')}</span></th>
<th scope="col">${sent ? t('webmail.header.to') : t('webmail.header.from')}</th>
<th scope="col">${t('webmail.header.subject')}</th>
${dateHeader(folder.name, order)}
<th scope="col">${t('webmail.list.size')}</th>
</tr></thead>
<tbody id="message-rows" data-live>${
    rows.length > 0 ? rows : html`<tr><td colspan="6">${t('webmail.list.empty')}</td></tr>`
  }</tbody>
</table>
</form>
<nav class="pager" id="pager" data-live
  aria-label="${t('webmail.list.pages')}">${pager(folder.name, order, page, pages, entries.length)}</nav>
</section>
</div>`;
  return sendPage(reply, { title: folderLabel(folder), body, session, tab: 'messages' });
}

/** The date column's header: a link to the other order, the arrow of this one, and its name for screen readers. */
function dateHeader(folder: string, order: Order): SafeHtml {
  const recent = order === 'recent';
  const other = folderUrl(folder, { order: recent ? 'ancien' : 'recent' });
  const sorted = t(recent ? 'webmail.list.sortedRecent' : 'webmail.list.sortedOldest');
  return html`<th scope="col" aria-sort="${recent ? 'descending' : 'ascending'}"><a
  href="${other}">${t('webmail.header.date')} <span aria-hidden="true">${recent ? '▼' : '▲'}</span><span
  class="visually-hidden">${sorted}</span></a></th>`;
}

function mark(symbol: string, label: MessageKey, className: string): SafeHtml {
  return html`<span class="${className}" title="${t(label)}"><span aria-hidden="true">${symbol}</span><span
  class="visually-hidden">${t(label)}</span></span>`;
}

function folderItem(folder: Folder, current: boolean, count: { total: number; unseen: number } | undefined): SafeHtml {
  const total = count?.total ?? 0;
  const unseen = count?.unseen ?? 0;
  const counted = unseen > 0 ? t('webmail.folderCount.unread', { unseen, total }) : t('webmail.folderCount', { total });
  const name = folderLabel(folder);
  return html`<li><a href="${folderUrl(folder.name)}"${current ? html` aria-current="page"` : ''}><span
  class="name">${name}</span> <span class="count" data-folder="${folder.name}">${counted}</span></a></li>`;
}

/** What can be done to the selected messages; the same form posts them all. */
function actionBar(targets: Folder[]): SafeHtml {
  return html`<div class="actions" role="group" aria-label="${t('webmail.actions')}">
<button type="submit" name="action" value="supprimer">${t('webmail.action.delete')}</button>
<button type="submit" class="secondary" name="action" value="lu">${t('webmail.action.read')}</button>
<button type="submit" class="secondary" name="action" value="non-lu">${t('webmail.action.unread')}</button>
<button type="submit" class="secondary" name="action" value="drapeau">${t('webmail.action.flag')}</button>
<button type="submit" class="secondary" name="action" value="sans-drapeau">${t('webmail.action.unflag')}</button>
${moveControl(targets)}
</div>`;
}

/** « Déplacer vers » a folder of the mailbox. */
export function moveControl(targets: Folder[]): SafeHtml {
  if (targets.length === 0) return html``;
  return html`<span class="move"><label for="f-cible">${t('webmail.action.moveTo')}</label>
<select id="f-cible" name="cible">${targets.map(
    (f) => html`<option value="${f.name}">${folderLabel(f)}</option>`,
  )}</select>
<button type="submit" class="secondary" name="action" value="deplacer">${t('webmail.action.move')}</button></span>`;
}

function pager(folder: string, order: Order, page: number, pages: number, total: number): SafeHtml {
  return html`<p>${t('webmail.list.pageOf', { page, pages, total })}
${
  page > 1
    ? html` <a href="${folderUrl(folder, { page: page - 1, order })}" rel="prev">${t('webmail.list.previous')}</a>`
    : ''
}
${
  page < pages
    ? html` <a href="${folderUrl(folder, { page: page + 1, order })}" rel="next">${t('webmail.list.next')}</a>`
    : ''
}</p>`;
}
