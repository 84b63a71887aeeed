// Writing: a new message, a reply (to the sender, or to all; the original quoted, In-Reply-To and References
// set) or a forward. Forwards are inline: the original's main headers and text are quoted and its
// attachments (an IHE_XDM.ZIP above all) attached again, each one the reader may leave out. The message is
// built by the same composer as the reference LPS's (src/mail/message/compose.ts), limited to
// smtp.maxMessageBytes, submitted through the platform's SMTP endpoint (send.ts), then kept in Sent. A form
// that fails keeps everything typed.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../i18n/messages.ts';
import { refuseForgedForm } from '../web/csrf.ts';
import { errorSummary, field, type Form } from '../web/forms.ts';
import { parseAddress } from '../mail/mailbox/address.ts';
import { KeywordLimitError, QuotaError, type Folder } from '../mail/mailbox/store.ts';
import { composeMessage, type Attachment } from '../mail/message/compose.ts';
import { headerValue } from '../mail/message/headers.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { specialFolder } from './actions.ts';
import { COMPOSE_URL, folderUrl, formatSize, longDate, messageUrl, notFound, sendPage, simplePage } from './layout.ts';
import { findMessage } from './message-page.ts';
import { addressesIn, readMessage, safeContentType, type AttachmentView, type MessageView } from './message.ts';
import type { WebmailDeps, WebmailSession } from './routes.ts';
import { htmlToText } from './sanitize.ts';

type Mode = 'nouveau' | 'repondre' | 'repondre-tous' | 'transferer';
const MODES: readonly Mode[] = ['nouveau', 'repondre', 'repondre-tous', 'transferer'];

/** What the form holds: typed by the reader, or prepared from the original for a reply or a forward. */
interface Draft {
  mode: Mode;
  /** The original (folder name and UID) of a reply or forward. */
  original?: { folder: string; uid: number };
  to: string;
  cc: string;
  subject: string;
  text: string;
  /** A forward's original attachments, and whether each goes with it. */
  kept: { attachment: AttachmentView; checked: boolean }[];
}

interface Problems {
  to?: string;
  cc?: string;
  attachments?: string;
  send?: string;
  /** Files the browser will not send again after a failed submission (no page may fill a file input). */
  lostFiles?: { name: string; size: number }[];
}

type Query = { Querystring: { mode?: string; d?: string; uid?: string } };

export async function composePage(
  deps: WebmailDeps,
  session: WebmailSession,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { mode: modeParam, d, uid } = (request as FastifyRequest<Query>).query;
  const mode = MODES.find((m) => m === modeParam) ?? 'nouveau';
  if (mode === 'nouveau')
    return composeForm(deps, session, reply, { mode, to: '', cc: '', subject: '', text: '', kept: [] });
  const original = await loadOriginal(deps, session, d, uid);
  if (!original) return notFound(reply);
  return composeForm(
    deps,
    session,
    reply,
    prepare(mode, original.view, session.mailbox.address, { folder: original.folder.name, uid: original.uid }),
  );
}

async function loadOriginal(
  deps: WebmailDeps,
  session: WebmailSession,
  folderName: string | undefined,
  uid: string | undefined,
): Promise<{ folder: Folder; uid: number; raw: Buffer; view: MessageView } | undefined> {
  const found = await findMessage(deps, session.mailbox, folderName, uid);
  return found && { ...found, view: readMessage(found.raw) };
}

/** A reply or a forward as the form first shows it. */
export function prepare(
  mode: Exclude<Mode, 'nouveau'>,
  view: MessageView,
  self: string,
  original: { folder: string; uid: number },
): Draft {
  const text = view.text ?? (view.html ? htmlToText(view.html.source) : '');
  const prefixed = (prefix: string) =>
    new RegExp(`^${prefix}\\s*:`, 'i').test(view.subject) ? view.subject : `${prefix} : ${view.subject}`;
  if (mode === 'transferer') {
    const block = [
      t('webmail.compose.forwardedTitle'),
      `${t('webmail.header.subject')} : ${view.subject}`,
      `${t('webmail.header.date')} : ${longDate(view.date)}`,
      `${t('webmail.header.from')} : ${view.from}`,
      `${t('webmail.header.to')} : ${view.to}`,
      ...(view.cc ? [`${t('webmail.header.cc')} : ${view.cc}`] : []),
    ];
    return {
      mode,
      original,
      to: '',
      cc: '',
      subject: prefixed('TR'),
      text: `\n\n${block.join('\n')}\n\n${text}`,
      kept: view.attachments.map((attachment) => ({ attachment, checked: true })),
    };
  }
  const replyTo = headerAddresses(view, 'Reply-To');
  const to = replyTo.length > 0 ? replyTo : headerAddresses(view, 'From');
  const others =
    mode === 'repondre-tous'
      ? [...headerAddresses(view, 'To'), ...headerAddresses(view, 'Cc')].filter(
          (a) => a.toLowerCase() !== self.toLowerCase() && !to.includes(a),
        )
      : [];
  const quoted = text
    .split(/\r?\n/)
    .map((line) => (line.startsWith('>') ? `>${line}` : `> ${line}`))
    .join('\n');
  return {
    mode,
    original,
    to: to.join(', '),
    cc: [...new Set(others)].join(', '),
    subject: prefixed('RE'),
    text: `\n\n${t('webmail.compose.quoteIntro', { date: longDate(view.date), from: view.from })}\n${quoted}\n`,
    kept: [],
  };
}

function headerAddresses(view: MessageView, name: string): string[] {
  return addressesIn(headerValue(view.headers, name) ?? '')
    .map((a) => a.address)
    .filter((a) => parseAddress(a));
}

function composeForm(
  deps: WebmailDeps,
  session: WebmailSession,
  reply: FastifyReply,
  draft: Draft,
  problems: Problems = {},
  status = 200,
): FastifyReply {
  const maxBytes = deps.config.smtp.maxMessageBytes;
  const limit = formatSize(maxBytes);
  const title = t(`webmail.compose.title.${draft.mode}`);
  const back = draft.original ? messageUrl(draft.original.folder, draft.original.uid) : folderUrl('INBOX');
  const lost = problems.lostFiles?.map((f) => `${f.name} (${formatSize(f.size)})`).join(', ');
  const body = html`<h1>${title}</h1>
${errorSummary({ to: problems.to, cc: problems.cc, attachments: problems.attachments, send: problems.send })}
${lost ? html`<p class="notice" role="status">${t('webmail.compose.attachAgain', { files: lost })}</p>` : ''}
<form class="stack compose" method="post" action="${COMPOSE_URL}" enctype="multipart/form-data"
  data-max-bytes="${maxBytes}" data-too-large="${t('webmail.compose.tooLargeClient', { limit })}">
${deps.csrf.field(session.csrf)}
<input type="hidden" name="mode" value="${draft.mode}">
${
  draft.original
    ? html`<input type="hidden" name="d" value="${draft.original.folder}">
<input type="hidden" name="uid" value="${draft.original.uid}">`
    : ''
}
<p class="hint">${t('webmail.compose.from', { address: session.mailbox.address })}</p>
${field({
  name: 'a',
  label: t('webmail.header.to'),
  value: draft.to,
  error: problems.to,
  required: true,
  hint: t('webmail.compose.recipientsHint'),
  autocomplete: 'off',
  autofocus: draft.mode !== 'repondre' && draft.mode !== 'repondre-tous',
})}
${field({ name: 'cc', label: t('webmail.header.cc'), value: draft.cc, error: problems.cc, autocomplete: 'off' })}
${field({ name: 'objet', label: t('webmail.header.subject'), value: draft.subject, autocomplete: 'off' })}
<div class="field"><label for="f-texte">${t('webmail.compose.text')}</label>
<textarea id="f-texte" name="texte" rows="14"${
    draft.mode === 'repondre' || draft.mode === 'repondre-tous' ? html` autofocus` : ''
  }>${draft.text}</textarea></div>
${draft.kept.length > 0 ? keptAttachments(draft.kept) : ''}
<div class="field"><label for="f-pj">${t('webmail.compose.attachments')}</label>
<div class="hint" id="f-pj-hint">${t('webmail.compose.attachmentsHint', { limit })}</div>
<input type="file" id="f-pj" name="pj" multiple
  aria-describedby="f-pj-hint f-pj-error"${problems.attachments ? html` aria-invalid="true"` : ''}>
<div class="error" id="f-pj-error" aria-live="polite">${problems.attachments ?? ''}</div></div>
<p><button type="submit">${t('webmail.compose.send')}</button> <a href="${back}">${t('webmail.compose.cancel')}</a></p>
</form>`;
  return sendPage(reply, { title, body, session, tab: 'compose', status });
}

function keptAttachments(kept: Draft['kept']): SafeHtml {
  return html`<fieldset class="kept"><legend>${t('webmail.compose.originalAttachments')}</legend>
${kept.map(({ attachment: a, checked }) => {
  const id = `f-garder-${a.section.replace(/\./g, '-')}`;
  const label = a.filename ?? t('webmail.message.unnamed', { section: a.section });
  return html`<div><input type="checkbox" id="${id}" name="garder.${a.section}" value="1" data-size="${a.size}"${
    checked ? html` checked` : ''
  }> <label for="${id}">${label} <span class="hint">(${formatSize(a.size)})</span></label></div>`;
})}
</fieldset>`;
}

export async function sendComposed(
  deps: WebmailDeps,
  session: WebmailSession,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const submitted = await readMultipart(request);
  if (!submitted) return simplePage(reply, 400, t('webmail.badRequest'));
  const { fields, files } = submitted;
  if (!deps.csrf.valid(request, fields)) return refuseForgedForm(reply, deps.send);
  const mode = MODES.find((m) => m === fields.mode) ?? 'nouveau';
  const original = mode === 'nouveau' ? undefined : await loadOriginal(deps, session, fields.d, fields.uid);
  if (mode !== 'nouveau' && !original) return notFound(reply);
  const draft: Draft = {
    mode,
    ...(original ? { original: { folder: original.folder.name, uid: original.uid } } : {}),
    to: fields.a ?? '',
    cc: fields.cc ?? '',
    subject: fields.objet ?? '',
    text: fields.texte ?? '',
    kept:
      mode === 'transferer' && original
        ? original.view.attachments.map((attachment) => ({
            attachment,
            checked: fields[`garder.${attachment.section}`] === '1',
          }))
        : [],
  };
  const lostFiles = files.map((f) => ({ name: f.name, size: f.size }));
  const retry = (problems: Problems, status: number) =>
    composeForm(deps, session, reply, draft, { ...problems, lostFiles }, status);

  const to = recipients(draft.to);
  const cc = recipients(draft.cc);
  const problems: Problems = {};
  if (to.invalid.length > 0) problems.to = t('webmail.compose.invalidAddresses', { addresses: to.invalid.join(', ') });
  else if (to.valid.length === 0) problems.to = t('webmail.compose.noRecipient');
  if (cc.invalid.length > 0) problems.cc = t('webmail.compose.invalidAddresses', { addresses: cc.invalid.join(', ') });
  if (problems.to || problems.cc) return retry(problems, 400);

  // The original's attachments first (a forward), then the files chosen.
  const attachments: Attachment[] = draft.kept
    .filter((k) => k.checked)
    .map(({ attachment }) => ({
      filename: outgoingFilename(attachment.filename ?? `partie-${attachment.section}`),
      contentType: safeContentType(attachment.contentType),
      content: attachment.body,
    }));
  for (const file of files)
    attachments.push({
      filename: outgoingFilename(file.name),
      contentType: safeContentType(file.type),
      content: new Uint8Array(await file.arrayBuffer()),
    });
  const headers: [string, string][] = [];
  if (cc.valid.length > 0) headers.push(['Cc', cc.valid.map((a) => `<${a}>`).join(', ')]);
  if (original && mode !== 'transferer' && original.view.messageId) {
    const references = headerValue(original.view.headers, 'References');
    headers.push(
      ['In-Reply-To', original.view.messageId],
      ['References', [references, original.view.messageId].filter(Boolean).join(' ')],
    );
  }
  headers.push(['User-Agent', 'motco webmail']);
  const message = composeMessage({
    from: session.mailbox.address,
    to: to.valid,
    subject: draft.subject,
    text: draft.text,
    headers,
    attachments,
  });

  const limit = deps.config.smtp.maxMessageBytes;
  if (message.length > limit)
    return retry(
      { attachments: t('webmail.compose.tooLarge', { size: formatSize(message.length), limit: formatSize(limit) }) },
      413,
    );
  const all = [...new Set([...to.valid, ...cc.valid])];
  // Full mailboxes are named here, in French, rather than through the SMTP endpoint's 552 (which still holds).
  const full = await fullMailbox(deps, session, all, message.length);
  if (full) return retry({ send: full }, 507);
  const sent = await deps.sender.send(session.mailbox, all, message);
  if (!sent.ok) return retry({ send: sent.error }, 502);

  const sentFolder = await specialFolder(deps.mailboxes, session.mailbox.id, '\\Sent', 'Sent');
  let notice = 'envoye';
  try {
    await deps.mailboxes.append(session.mailbox.id, sentFolder.name, message, { flags: ['\\Seen'] });
  } catch (error) {
    if (!(error instanceof QuotaError)) throw error;
    notice = 'envoye-sans-copie'; // the mailbox filled up since the check: the message left all the same
  }
  try {
    if (original)
      await deps.mailboxes.updateFlags(original.folder, [original.uid], 'add', [
        mode === 'transferer' ? '$Forwarded' : '\\Answered',
      ]);
  } catch (error) {
    // a folder without room for $Forwarded: the mark is not worth an error
    if (!(error instanceof KeywordLimitError)) throw error;
  }
  return reply.redirect(folderUrl(original?.folder.name ?? 'INBOX', { notice }), 303);
}

/**
 * Why the message cannot be sent for want of room: a full recipient mailbox of the platform, or the sender's own (its
 * Sent copy).
 */
async function fullMailbox(
  deps: WebmailDeps,
  session: WebmailSession,
  recipients: string[],
  size: number,
): Promise<string | undefined> {
  const fits = async (mailboxId: number) =>
    deps.mailboxes.checkQuota(mailboxId, 1, size).then(
      () => true,
      (error: unknown) => {
        if (error instanceof QuotaError) return false;
        throw error;
      },
    );
  if (!(await fits(session.mailbox.id))) return t('webmail.limits.ownMailboxFull');
  for (const address of recipients) {
    const mailbox = await deps.mailboxes.find(address);
    if (mailbox && !(await fits(mailbox.id))) return t('webmail.limits.recipientFull', { address: mailbox.address });
  }
  return undefined;
}

/** The compose form's fields and files (multipart/form-data, parsed by Node's own fetch implementation). */
async function readMultipart(request: FastifyRequest): Promise<{ fields: Form; files: File[] } | undefined> {
  if (!Buffer.isBuffer(request.body)) return undefined;
  let data: FormData;
  try {
    data = await new Response(request.body, {
      headers: { 'content-type': String(request.headers['content-type']) },
    }).formData();
  } catch {
    return undefined;
  }
  const fields: Form = {};
  const files: File[] = [];
  for (const [name, value] of data) {
    if (typeof value === 'string') fields[name] = value;
    else if (name === 'pj' && (value.size > 0 || value.name)) files.push(value);
  }
  return { fields, files };
}

/** The addresses of a To or Cc field: those that are addresses, and what was typed that is not. */
function recipients(text: string): { valid: string[]; invalid: string[] } {
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const { address } of addressesIn(text)) {
    const parsed = parseAddress(address);
    if (parsed) valid.push(parsed.address);
    else invalid.push(address);
  }
  return { valid: [...new Set(valid)], invalid };
}

/** A file name the composer can quote: no quote, backslash or control character, no path. */
function outgoingFilename(name: string): string {
  return (
    name
      .replace(/^.*[/\\]/, '')
      .replace(/["\\\x00-\x1f\x7f]/g, '_')
      .trim() || 'piece-jointe'
  );
}
