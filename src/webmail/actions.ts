// What the list and message pages post: delete (to Trash; from Trash, for good), move, flag and unflag,
// mark read and unread, for the selected messages of one folder of the session's mailbox. Every change goes
// through the mailbox store, so IMAP sessions see it at once, as they see each other's.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { refuseForgedForm } from '../web/csrf.ts';
import { formOf } from '../web/forms.ts';
import {
  KeywordLimitError,
  QuotaError,
  type FlagChange,
  type Folder,
  type Mailbox,
  type MailboxStore,
} from '../mail/mailbox/store.ts';
import { folderUrl, notFound } from './layout.ts';
import type { WebmailDeps } from './routes.ts';

const FLAG_ACTIONS: Record<string, [FlagChange, string]> = {
  lu: ['add', '\\Seen'],
  'non-lu': ['remove', '\\Seen'],
  drapeau: ['add', '\\Flagged'],
  'sans-drapeau': ['remove', '\\Flagged'],
};

export async function applyAction(
  deps: WebmailDeps,
  mailbox: Mailbox,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const form = formOf(request);
  if (!deps.csrf.valid(request, form)) return refuseForgedForm(reply, deps.send);
  const folder = await deps.mailboxes.folder(mailbox.id, form.d ?? '');
  if (!folder) return notFound(reply);
  // Checkboxes are named m<uid>: a urlencoded form keeps one value per name.
  const uids = Object.keys(form)
    .map((name) => /^m(\d{1,10})$/.exec(name)?.[1])
    .filter((uid): uid is string => uid !== undefined)
    .map(Number);
  const back = (notice: string) =>
    reply.redirect(localUrl(form.retour, notice) ?? folderUrl(folder.name, { notice }), 303);
  if (uids.length === 0) return back('aucun');

  try {
    return await apply(deps, mailbox, folder, uids, form, reply, back);
  } catch (error) {
    // The store checks its limits before changing anything: say which one refused, on the folder's page.
    const notice = error instanceof QuotaError ? 'quota' : error instanceof KeywordLimitError ? 'mots-cles' : undefined;
    if (!notice) throw error;
    return reply.redirect(folderUrl(folder.name, { notice }), 303);
  }
}

async function apply(
  deps: WebmailDeps,
  mailbox: Mailbox,
  folder: Folder,
  uids: number[],
  form: ReturnType<typeof formOf>,
  reply: FastifyReply,
  back: (notice: string) => FastifyReply,
): Promise<FastifyReply> {
  const flagAction = FLAG_ACTIONS[form.action ?? ''];
  if (flagAction) {
    await deps.mailboxes.updateFlags(folder, uids, flagAction[0], [flagAction[1]]);
    return back('marque');
  }
  if (form.action === 'supprimer') {
    if (folder.specialUse === '\\Trash') {
      await deps.mailboxes.updateFlags(folder, uids, 'add', ['\\Deleted']);
      await deps.mailboxes.expunge(folder, uids);
      return reply.redirect(folderUrl(folder.name, { notice: 'efface' }), 303);
    }
    await deps.mailboxes.moveMessages(
      folder,
      uids,
      await specialFolder(deps.mailboxes, mailbox.id, '\\Trash', 'Trash'),
    );
    return reply.redirect(folderUrl(folder.name, { notice: 'corbeille' }), 303);
  }
  if (form.action === 'deplacer') {
    const target = await deps.mailboxes.folder(mailbox.id, form.cible ?? '');
    if (!target) return notFound(reply);
    if (target.id !== folder.id) await deps.mailboxes.moveMessages(folder, uids, target);
    return reply.redirect(folderUrl(folder.name, { notice: 'deplace' }), 303);
  }
  return notFound(reply);
}

/** The folder with this special use (RFC 6154), or the one of that name, created when an IMAP client deleted it. */
export async function specialFolder(
  mailboxes: MailboxStore,
  mailboxId: number,
  use: '\\Sent' | '\\Trash',
  name: string,
): Promise<Folder> {
  const folders = await mailboxes.folders(mailboxId);
  return (
    folders.find((f) => f.specialUse === use) ??
    folders.find((f) => f.name === name) ??
    (await mailboxes.createFolder(mailboxId, name))
  );
}

/** A webmail page to go back to, with a notice; nothing else (no open redirect). */
function localUrl(target: string | undefined, notice: string): string | undefined {
  if (!target || !/^\/webmail\/(dossier|message)\?[^\\]*$/.test(target)) return undefined;
  const url = new URL(target, 'http://webmail.invalid');
  if (url.pathname === '/webmail/dossier') url.searchParams.set('info', notice);
  return url.pathname + url.search;
}
