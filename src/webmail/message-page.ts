// One message: main headers, the MSSanté headers picked out, every header on demand (X-MSS-* highlighted),
// the body (plain text preferred; HTML sanitised and shown in a sandboxed frame under its own strict CSP,
// remote content only on request), attachments with the contents of an IHE_XDM.ZIP (entries, CDA code,
// title, patient ids and INS), the MIME tree, the raw source, and the actions. Opening it marks it read.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../i18n/messages.ts';
import type { Folder, Mailbox } from '../mail/mailbox/store.ts';
import { filenameOf } from '../mail/message/attachments.ts';
import { decodedBody, parseMime } from '../mail/message/mime.ts';
import { findPart } from '../mail/message/parts.ts';
import { INS_OIDS, type XdmFacts } from '../mail/message/xdm.ts';
import { html, type SafeHtml } from '../web/html.ts';
import {
  ACTIONS_URL,
  COMPOSE_URL,
  folderLabel,
  folderUrl,
  formatSize,
  longDate,
  messageUrl,
  notFound,
  sendPage,
  sortFolders,
} from './layout.ts';
import { moveControl } from './list-page.ts';
import {
  inlineImages,
  readMessage,
  safeContentType,
  type AttachmentView,
  type MessageView,
  type TreeNode,
} from './message.ts';
import type { WebmailDeps, WebmailSession } from './routes.ts';
import { sanitizeHtml } from './sanitize.ts';

type Query = {
  Querystring: { d?: string; uid?: string; vue?: string; distant?: string; p?: string; telecharger?: string };
};

/** A message by folder name and UID, looked up in the session's mailbox only. */
export async function findMessage(
  deps: WebmailDeps,
  mailbox: Mailbox,
  folderName: string | undefined,
  uid: string | undefined,
): Promise<{ folder: Folder; uid: number; raw: Buffer } | undefined> {
  if (!folderName || !uid || !/^\d{1,10}$/.test(uid)) return undefined;
  const folder = await deps.mailboxes.folder(mailbox.id, folderName);
  const raw = folder ? await deps.mailboxes.content(folder.id, Number(uid)) : undefined;
  return folder && raw ? { folder, uid: Number(uid), raw } : undefined;
}

function locate(deps: WebmailDeps, mailbox: Mailbox, request: FastifyRequest) {
  const { d, uid } = (request as FastifyRequest<Query>).query;
  return findMessage(deps, mailbox, d, uid);
}

export async function messagePage(
  deps: WebmailDeps,
  session: WebmailSession,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const found = await locate(deps, session.mailbox, request);
  if (!found) return notFound(reply);
  const { folder, uid, raw } = found;
  const query = (request as FastifyRequest<Query>).query;
  // Reading is what IMAP's BODY[] does: the message becomes \Seen, and other sessions hear of it.
  const [after] = await deps.mailboxes.updateFlags(folder, [uid], 'add', ['\\Seen']);
  const flagged = after?.flags.includes('\\Flagged') ?? false;
  const view = readMessage(raw);
  const remote = query.distant === '1';
  const mode =
    view.html && (query.vue === 'html' || view.text === undefined) ? 'html' : view.text !== undefined ? 'text' : 'none';
  // The page offers remote content only when the sanitiser actually removed some.
  const blocked = mode === 'html' && !remote ? sanitizeHtml(view.html!.source, { remote: false }).blockedRemote : 0;
  const targets = sortFolders(await deps.mailboxes.folders(session.mailbox.id)).filter((f) => f.id !== folder.id);
  const here = messageUrl(folder.name, uid, {
    ...(query.vue ? { vue: query.vue } : {}),
    ...(remote ? { distant: '1' } : {}),
  });
  const back = folderUrl(folder.name);
  const subject = view.subject || t('webmail.noSubject');
  const reference = { d: folder.name, uid: String(uid) };
  const hidden = [
    deps.csrf.field(session.csrf),
    html`<input type="hidden" name="d" value="${folder.name}">`,
    html`<input type="hidden" name="m${uid}" value="1">`,
  ];
  const composeUrl = (mode: string) => `${COMPOSE_URL}?${new URLSearchParams({ mode, ...reference })}`;
  const mssNote = t('webmail.message.mssHeader');
  const sourceUrl = messageUrl(folder.name, uid, {}, '/webmail/message/source');
  const downloadUrl = messageUrl(folder.name, uid, { telecharger: '1' }, '/webmail/message/source');

  const body = html`<p><a href="${back}">${t('webmail.message.back', { folder: folderLabel(folder) })}</a></p>
<article class="message" aria-labelledby="message-subject">
<h1 id="message-subject">${subject}</h1>
<div class="message-actions">
<a class="button" href="${composeUrl('repondre')}">${t('webmail.action.reply')}</a>
<a class="button secondary" href="${composeUrl('repondre-tous')}">${t('webmail.action.replyAll')}</a>
<a class="button secondary" href="${composeUrl('transferer')}">${t('webmail.action.forward')}</a>
<form method="post" action="${ACTIONS_URL}">${hidden}<input type="hidden" name="retour" value="${here}"><button
  type="submit" class="secondary" name="action" value="${flagged ? 'sans-drapeau' : 'drapeau'}">${
    flagged ? t('webmail.action.unflag') : t('webmail.action.flag')
  }</button></form>
<form method="post" action="${ACTIONS_URL}">${hidden}<input type="hidden" name="retour" value="${back}"><button
  type="submit" class="secondary" name="action" value="non-lu">${t('webmail.action.unread')}</button>
<button type="submit" name="action"
  value="supprimer">${t('webmail.action.delete')}</button>${moveControl(targets)}</form>
</div>
${flagged ? html`<p class="flag-state"><span aria-hidden="true">&#9733;</span> ${t('webmail.list.flagged')}</p>` : ''}
<dl class="main-headers">
<dt>${t('webmail.header.from')}</dt><dd>${view.from}</dd>
<dt>${t('webmail.header.to')}</dt><dd>${view.to}</dd>
${view.cc ? html`<dt>${t('webmail.header.cc')}</dt><dd>${view.cc}</dd>` : ''}
<dt>${t('webmail.header.subject')}</dt><dd>${view.subject}</dd>
<dt>${t('webmail.header.date')}</dt><dd>${longDate(view.date)}</dd>
</dl>
${view.mss.length > 0 ? mssHeaders(view) : ''}
<details class="all-headers"
  id="entetes"><summary>${t('webmail.message.allHeaders', { count: view.headers.length })}</summary>
<p class="hint">${t('webmail.message.mssLegend')}</p>
<table><caption class="visually-hidden">${t('webmail.message.allHeadersCaption')}</caption>
<tbody>${view.headers.map((h) =>
    /^x-mss-/i.test(h.name)
      ? html`<tr class="mss"><th scope="row"><mark>${h.name}</mark><span class="visually-hidden"> ${mssNote}</span></th>
<td><mark>${h.value}</mark></td></tr>`
      : html`<tr><th scope="row">${h.name}</th><td>${h.value}</td></tr>`,
  )}</tbody></table>
</details>
<section class="message-body" aria-label="${t('webmail.message.body')}">
${bodyView(view, mode, folder.name, uid, remote, blocked)}
</section>
${view.attachments.length > 0 ? attachmentList(view.attachments, folder.name, uid) : ''}
<details class="mime-tree"><summary>${t('webmail.message.mimeTree')}</summary>
${treeList(view.tree, folder.name, uid)}</details>
<p class="source-links"><a href="${sourceUrl}">${t('webmail.message.source')}</a>
· <a href="${downloadUrl}">${t('webmail.message.downloadSource')}</a></p>
</article>`;
  return sendPage(reply, { title: subject, body, session, tab: 'messages' });
}

function mssHeaders(view: MessageView): SafeHtml {
  return html`<section class="mss-headers" aria-labelledby="mss-title">
<h2 id="mss-title">${t('webmail.message.mssTitle')}</h2>
<dl>${view.mss.map((h) => html`<dt><mark>${h.name}</mark></dt><dd>${h.value}</dd>`)}</dl></section>`;
}

function bodyView(
  view: MessageView,
  mode: 'text' | 'html' | 'none',
  folder: string,
  uid: number,
  remote: boolean,
  blocked: number,
): SafeHtml {
  const other =
    view.text !== undefined && view.html
      ? html`<p class="body-switch"><a href="${messageUrl(folder, uid, mode === 'html' ? {} : { vue: 'html' })}">${
          mode === 'html' ? t('webmail.message.showText') : t('webmail.message.showHtml')
        }</a></p>`
      : '';
  if (mode === 'none') return html`<p class="hint">${t('webmail.message.noBody')}</p>`;
  if (mode === 'text') return html`${other}<pre class="message-text">${view.text}</pre>`;
  const offer =
    blocked === 0
      ? ''
      : html`<p class="notice remote-blocked">${t('webmail.message.remoteBlocked', { count: blocked })} <a
  href="${messageUrl(folder, uid, { vue: 'html', distant: '1' })}">${t('webmail.message.showRemote')}</a></p>`;
  return html`${other}${offer}
<iframe class="message-html" title="${t('webmail.message.htmlFrame')}"
  sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer"
  src="${messageUrl(folder, uid, remote ? { distant: '1' } : {}, '/webmail/message/html')}"></iframe>`;
}

function attachmentList(attachments: AttachmentView[], folder: string, uid: number): SafeHtml {
  return html`<section class="attachments" aria-labelledby="attachments-title">
<h2 id="attachments-title">${t('webmail.message.attachments', { count: attachments.length })}</h2>
<ul>${attachments.map((a) => {
    const name = a.filename ?? t('webmail.message.unnamed', { section: a.section });
    return html`<li><a href="${partUrl(folder, uid, a.section)}" download>${name}</a>
<span class="hint">${a.contentType}, ${formatSize(a.size)}</span>${a.xdm ? xdmView(a.filename ?? '', a.xdm) : ''}</li>`;
  })}</ul></section>`;
}

/** Where one part of the message downloads. */
function partUrl(folder: string, uid: number, section: string): string {
  return messageUrl(folder, uid, { p: section }, '/webmail/message/partie');
}

/** The archive entry by entry, then each CDA document's code, title and patient identifiers (INS marked). */
function xdmView(filename: string, xdm: XdmFacts): SafeHtml {
  if (xdm.error) return html`<p class="error">${t('webmail.xdm.unreadable', { error: xdm.error })}</p>`;
  return html`<div class="xdm"><h3>${t('webmail.xdm.title', { filename })}</h3>
<ul class="xdm-entries">${xdm.entries.map((e) => html`<li><code>${e}</code></li>`)}</ul>
${
  xdm.documents.length === 0
    ? html`<p>${t('webmail.xdm.noDocument')}</p>`
    : html`<table class="cda"><caption>${t('webmail.xdm.documents')}</caption>
<thead><tr><th scope="col">${t('webmail.xdm.document')}</th><th scope="col">${t('webmail.xdm.code')}</th>
<th scope="col">${t('webmail.xdm.docTitle')}</th><th scope="col">${t('webmail.xdm.patient')}</th></tr></thead>
<tbody>${xdm.documents.map(cdaRow)}</tbody></table>`
}</div>`;
}

/** One CDA document of the archive: its path, type code, title and patient identifiers (INS marked). */
function cdaRow(d: XdmFacts['documents'][number]): SafeHtml {
  const code = html`${d.code ?? '—'}${d.displayName ? html` <span class="hint">(${d.displayName})</span>` : ''}`;
  const ids = d.patientIds.map((id) => {
    const ins = INS_OIDS.has(id.root) ? html`<strong class="ins">${t('webmail.xdm.ins')}</strong> ` : '';
    return html`<li>${ins}<span class="patient-id">${id.root} / ${id.extension ?? '—'}</span></li>`;
  });
  return html`<tr><td><code>${d.path}</code></td><td class="cda-code">${code}</td><td>${d.title ?? '—'}</td>
<td><ul class="patient-ids">${ids}</ul></td></tr>`;
}

function treeList(node: TreeNode, folder: string, uid: number): SafeHtml {
  const part = node.part;
  const charset = part.params.find((p) => p.name === 'charset')?.value;
  const details = [
    charset ? `; charset=${charset}` : '',
    node.children.length === 0 ? html` · ${part.encoding}` : '',
    node.filename ? html` · « ${node.filename} »` : '',
    node.size !== null ? html` · ${formatSize(node.size)}` : '',
  ];
  const label = html`<code>${node.section || t('webmail.mime.message')}</code> ${part.type}/${part.subtype}${details}`;
  const download =
    node.section && node.children.length === 0
      ? html` · <a href="${partUrl(folder, uid, node.section)}" download>${t('webmail.mime.download')}</a>`
      : '';
  const children = node.children.map((c) => treeList(c, folder, uid));
  return html`<ul><li>${label}${download}${children}</li></ul>`;
}

/** The raw message as text (view), or as a file (download). Never rendered as HTML. */
export async function source(
  deps: WebmailDeps,
  mailbox: Mailbox,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const found = await locate(deps, mailbox, request);
  if (!found) return notFound(reply);
  reply.header('content-security-policy', "default-src 'none'; sandbox").type('text/plain; charset=utf-8');
  if ((request as FastifyRequest<Query>).query.telecharger === '1')
    reply.header('content-disposition', attachmentDisposition(`message-${found.uid}.eml`));
  return reply.send(found.raw);
}

/** One part, decoded, always as a download: the sender chose its type, so it is never rendered here. */
export async function partDownload(
  deps: WebmailDeps,
  mailbox: Mailbox,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const found = await locate(deps, mailbox, request);
  const section = (request as FastifyRequest<Query>).query.p ?? '';
  if (!found || !/^\d{1,5}(\.\d{1,5}){0,31}$/.test(section)) return notFound(reply);
  const part = findPart(parseMime(found.raw), section.split('.').map(Number));
  if (!part) return notFound(reply);
  return reply
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('content-disposition', attachmentDisposition(filenameOf(part) ?? `partie-${section}`))
    .type(safeContentType(`${part.type}/${part.subtype}`))
    .send(decodedBody(found.raw, part));
}

/**
 * The HTML body as its own document for the message page's iframe: sanitised, inline images embedded, and
 * under a CSP that allows no script at all, no remote load unless the reader asked (?distant=1), and makes
 * the document sandboxed even when opened directly.
 */
export async function htmlBody(
  deps: WebmailDeps,
  mailbox: Mailbox,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const found = await locate(deps, mailbox, request);
  const view = found ? readMessage(found.raw) : undefined;
  if (!found || !view?.html) return notFound(reply);
  const remote = (request as FastifyRequest<Query>).query.distant === '1';
  const images = inlineImages(found.raw, view.tree.part);
  const { html: safe } = sanitizeHtml(view.html.source, { remote, inline: (id) => images.get(id) });
  const web = remote ? ' http: https:' : '';
  return reply
    .header(
      'content-security-policy',
      `default-src 'none'; img-src data:${web}; style-src 'unsafe-inline'${web}; font-src${web || " 'none'"}; ` +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; " +
        'sandbox allow-popups allow-popups-to-escape-sandbox',
    )
    .type('text/html; charset=utf-8')
    .send(
      '<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"></head>' +
        `<body>${safe}</body></html>`,
    );
}

/** RFC 6266: an ASCII fallback name and the UTF-8 one, with nothing that could leave the header or the folder. */
export function attachmentDisposition(filename: string): string {
  const name = filename.replace(/[\x00-\x1f\x7f/\\]/g, '_').slice(0, 200) || 'piece-jointe';
  const fallback = name.replace(/[^\x20-\x7e]|["%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
