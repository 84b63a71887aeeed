// The runner's pages in the shared shell: the area named after the account, the manual's tabs (projects,
// dashboard, jobs, activity), the profile menu with « Déconnexion », the runner's stylesheet and, on pages
// that follow executions live, its script. Also the French « page introuvable » (a signed-out visitor goes to
// the account site's login: toLogin in ../site/layout.ts).
import type { FastifyReply } from 'fastify';
import type { PlatformUser } from '../../accounts/directory.ts';
import { t, type MessageKey } from '../../i18n/messages.ts';
import { html, notFoundBody, page, type SafeHtml } from '../html.ts';
import { displayName, LOGOUT_URL } from '../site/layout.ts';
import type { Visit } from './access.ts';

export type Tab = 'projects' | 'dashboard' | 'jobs' | 'board' | 'activity';

/** The readiness board (« Tableau de conformité »), under /outil/<account>/. */
export const BOARD_PATH = 'conformite';

const TABS: { tab: Tab; path: string; label: MessageKey }[] = [
  { tab: 'projects', path: '', label: 'runnerPage.tab.projects' },
  { tab: 'dashboard', path: 'tableau-de-bord', label: 'runnerPage.tab.dashboard' },
  { tab: 'jobs', path: 'jobs', label: 'runnerPage.tab.jobs' },
  { tab: 'board', path: BOARD_PATH, label: 'board.tab' },
  { tab: 'activity', path: 'activite', label: 'runnerPage.tab.activity' },
];

/** /outil/<account>[/<path>]: the account site's « Accès à l'outil » leads to the first. */
export function runnerUrl(accountId: number, path = ''): string {
  return `/outil/${accountId}${path ? `/${path}` : ''}`;
}

export interface RunnerPage {
  title: string;
  tab?: Tab;
  body: SafeHtml;
  status?: number;
  /** Loads runner.js (live log and progress). */
  live?: boolean;
  /** Loads copy.js (« Copier » buttons). */
  copy?: boolean;
}

const STYLESHEET = html`<link rel="stylesheet" href="/assets/runner.css">`;
const LIVE_SCRIPT = html`<script src="/assets/runner.js" defer></script>`;
const COPY_SCRIPT = html`<script src="/assets/copy.js" defer></script>`;

export class RunnerLayout {
  constructor(private readonly headers: Record<string, string>) {}

  /** `csrf`: the form token, carried by the profile menu's « Déconnexion ». */
  send(reply: FastifyReply, visit: Visit, csrf: string, p: RunnerPage): FastifyReply {
    const { account, user } = visit;
    return this.reply(
      reply,
      p.status ?? 200,
      page({
        title: p.title,
        area: t('runnerPage.area', { nil: account.nil }),
        home: runnerUrl(account.id),
        nav: [
          ...TABS.map((tab) => ({
            href: runnerUrl(account.id, tab.path),
            label: t(tab.label),
            current: tab.tab === p.tab,
          })),
          { href: '/', label: t('runnerPage.tab.accounts') },
        ],
        user: { name: displayName(user), logoutUrl: LOGOUT_URL, csrf },
        head: html`${STYLESHEET}${p.live ? LIVE_SCRIPT : ''}${p.copy ? COPY_SCRIPT : ''}`,
        body: p.body,
      }),
    );
  }

  /** The same page for what does not exist and what belongs to another organisation: it shows no data. */
  notFound(reply: FastifyReply, user: PlatformUser, csrf: string): FastifyReply {
    return this.reply(
      reply,
      404,
      page({
        title: t('site.notFound.title'),
        area: t('runnerPage.areaGeneric'),
        head: STYLESHEET,
        user: { name: displayName(user), logoutUrl: LOGOUT_URL, csrf },
        body: notFoundBody(),
      }),
    );
  }

  private reply(reply: FastifyReply, status: number, markup: string): FastifyReply {
    return reply.code(status).headers(this.headers).type('text/html; charset=utf-8').send(markup);
  }
}
