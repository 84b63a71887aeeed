// The webmail under /webmail: its own session, opened from the account site (or with the shared password's
// form when the operator set one), the folder and message pages, compose, actions and the live change
// stream. Every route past the login answers for the session's mailbox only: folders and messages are looked
// up within it, so an id taken from another mailbox's URL finds nothing.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Accounts, OrganisationMailbox } from '../accounts/accounts.ts';
import type { WebSessions } from '../auth/index.ts';
import type { Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import type { Csrf } from '../web/csrf.ts';
import { acceptForms, type pageSender } from '../web/forms.ts';
import type { Authenticator } from '../mail/authenticate.ts';
import type { Mailbox, MailboxStore } from '../mail/mailbox/store.ts';
import type { Database } from '../store/schema.ts';
import type { Logger } from '../util/log.ts';
import type { RouteRegistrar } from '../web/server.ts';
import { applyAction } from './actions.ts';
import { composePage, sendComposed } from './compose.ts';
import { ChangeStreams } from './events.ts';
import { folderPage } from './list-page.ts';
import {
  EVENTS_URL,
  folderUrl,
  formatSize,
  HOME,
  LOGIN_URL,
  notFound,
  PAGE_HEADERS,
  sendPage,
  simplePage,
} from './layout.ts';
import { login, loginPage, logout, open } from './login.ts';
import { htmlBody, messagePage, partDownload, source } from './message-page.ts';
import { WebmailSender } from './send.ts';
import { WebmailSessions } from './session.ts';

export interface WebmailDeps {
  config: Config;
  mailboxes: MailboxStore;
  authenticator: Authenticator;
  sessions: WebmailSessions;
  csrf: Csrf;
  sender: WebmailSender;
  /** Pages in the webmail's layout, for the shared form helpers (refuseForgedForm). */
  send: ReturnType<typeof pageSender>;
  /** The mailboxes of the vendor signed in on the account site in this browser; undefined when nobody is. */
  vendorMailboxes: (request: FastifyRequest) => Promise<OrganisationMailbox[] | undefined>;
}

/** The signed-in mailbox, the CSRF token of the page's forms, and the mailboxes the reader may switch to. */
export interface WebmailSession {
  mailbox: Mailbox;
  csrf: string;
  mailboxes: OrganisationMailbox[];
}

export interface WebmailOptions {
  config: Config;
  /** The store's database (webmail sessions). */
  db: Kysely<Database>;
  mailboxes: MailboxStore;
  /** The mail endpoints' authenticator: the shared password's form is judged by the same rule. */
  authenticator: Authenticator;
  /** The platform's CSRF protection, so that the account page's « Ouvrir le webmail » forms are accepted here. */
  csrf: Csrf;
  /** The account site's sessions and accounts: who may open which mailbox without a password. */
  siteSessions: Pick<WebSessions, 'sessionUser'>;
  accounts: Pick<Accounts, 'organisationMailboxes'>;
  /** PEM of the IGC Santé TEST bundle, which the webmail's SMTP submissions trust. */
  trust: () => string;
  log: Logger;
}

/** Multipart bodies of the compose form: the message limit, plus room for a form that overshoots it a little. */
function composeBodyLimit(config: Config): number {
  return 2 * config.smtp.maxMessageBytes + 1024 * 1024;
}

export function webmailRoutes(o: WebmailOptions): RouteRegistrar {
  return async (app) => {
    await app.register(
      async (scope) => {
        const secure = o.config.publicUrl.startsWith('https:');
        const csrf = o.csrf;
        const deps: WebmailDeps = {
          config: o.config,
          mailboxes: o.mailboxes,
          authenticator: o.authenticator,
          sessions: new WebmailSessions(o.db, o.mailboxes, secure),
          csrf,
          sender: new WebmailSender(o.config, o.mailboxes, o.trust),
          send: (reply, title, body, status) => sendPage(reply, { title, body, ...(status ? { status } : {}) }),
          vendorMailboxes: async (request) => {
            const user = await o.siteSessions.sessionUser(request);
            return user?.role === 'vendor' && user.organisation
              ? o.accounts.organisationMailboxes(user.organisation.id)
              : undefined;
          },
        };
        const streams = new ChangeStreams(o.mailboxes.events);
        scope.addHook('preClose', async () => streams.closeAll());

        acceptForms(scope);
        scope.addHook('onRequest', async (_request, reply) => {
          reply.headers(PAGE_HEADERS);
        });

        // Before the routes, which take the error handler in force when they are declared.
        scope.setNotFoundHandler((_request, reply) => notFound(reply));
        scope.setErrorHandler((error: FastifyError, request, reply) => {
          const status = error.statusCode ?? 500;
          if (status === 413)
            return simplePage(
              reply,
              status,
              t('webmail.compose.tooLargeTitle'),
              t('webmail.compose.uploadTooLarge', { limit: formatSize(o.config.smtp.maxMessageBytes) }),
            );
          if (status >= 400 && status < 500) return simplePage(reply, status, t('webmail.badRequest'));
          o.log.error('webmail: request failed', { method: request.method, url: request.url, error });
          return simplePage(reply, 500, t('webmail.failure'));
        });

        scope.get('/', async (request, reply) =>
          reply.redirect((await deps.sessions.mailbox(request)) ? folderUrl('INBOX') : LOGIN_URL, 303),
        );
        scope.get('/connexion', (request, reply) => loginPage(deps, request, reply));
        scope.post('/connexion', (request, reply) => login(deps, request, reply));
        scope.post('/ouvrir', (request, reply) => open(deps, request, reply));
        scope.post('/deconnexion', (request, reply) => logout(deps, request, reply));

        await scope.register(async (authenticated) => {
          // Resolved before the body is read: nobody uploads anything without a session.
          const sessions = new WeakMap<FastifyRequest, Mailbox>();
          authenticated.addHook('onRequest', async (request, reply) => {
            const mailbox = await deps.sessions.mailbox(request);
            if (mailbox) return void sessions.set(request, mailbox);
            if (request.method === 'GET' && !request.url.startsWith(EVENTS_URL)) return reply.redirect(LOGIN_URL, 303);
            return simplePage(reply, 401, t('webmail.expired.title'), t('webmail.expired.text'));
          });
          // Uploads (the compose form) only here, behind the session: the parser buffers up to twice the message limit.
          authenticated.addContentTypeParser(
            'multipart/form-data',
            { parseAs: 'buffer', bodyLimit: composeBodyLimit(o.config) },
            (_request, body, done) => done(null, body),
          );
          const session = async (request: FastifyRequest, reply: FastifyReply): Promise<WebmailSession> => ({
            mailbox: sessions.get(request)!,
            csrf: csrf.token(request, reply),
            mailboxes: (await deps.vendorMailboxes(request)) ?? [],
          });

          authenticated.get('/dossier', async (request, reply) =>
            folderPage(deps, await session(request, reply), request, reply),
          );
          authenticated.get('/message', async (request, reply) =>
            messagePage(deps, await session(request, reply), request, reply),
          );
          authenticated.get('/message/source', (request, reply) =>
            source(deps, sessions.get(request)!, request, reply),
          );
          authenticated.get('/message/html', (request, reply) =>
            htmlBody(deps, sessions.get(request)!, request, reply),
          );
          authenticated.get('/message/partie', (request, reply) =>
            partDownload(deps, sessions.get(request)!, request, reply),
          );
          authenticated.post('/actions', (request, reply) => applyAction(deps, sessions.get(request)!, request, reply));
          authenticated.get('/ecrire', async (request, reply) =>
            composePage(deps, await session(request, reply), request, reply),
          );
          authenticated.post('/ecrire', async (request, reply) =>
            sendComposed(deps, await session(request, reply), request, reply),
          );
          authenticated.get('/evenements', (request, reply) =>
            streams.stream(reply, sessions.get(request)!.id, PAGE_HEADERS),
          );
        });
      },
      { prefix: HOME },
    );
  };
}
