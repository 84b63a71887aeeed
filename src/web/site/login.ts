// The home page (manual figure 1) with « Connexion », the ISC login through OpenID Connect and its return
// (/connexion/retour: the claims become a platform user, who gets a web session), and « Déconnexion » (a
// CSRF-protected POST that ends the session, then the ISC session through its end-session endpoint).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PlatformDirectoryError, type PlatformUser } from '../../accounts/directory.ts';
import { t, type MessageKey } from '../../i18n/messages.ts';
import { readCookie, setCookie } from '../cookies.ts';
import { formOf } from '../forms.ts';
import { html } from '../html.ts';
import type { Site } from './index.ts';
import type { PendingLogin } from './isc-client.ts';
import { landing, LOGIN_URL, LOGOUT_URL } from './layout.ts';

/** The login under way, only sent back to /connexion/…; ten minutes to get through ISC's pages. */
const PENDING_COOKIE = 'motco_connexion';
const PENDING_MAX_AGE_SECONDS = 600;

/** A page of this site to come back to: a local absolute path, never another origin (//host, /\host). */
function localPath(value: unknown): string | null {
  return typeof value === 'string' && /^\/(?![/\\])[^\s\\]*$/.test(value) && value.length <= 500 ? value : null;
}

function readPending(request: FastifyRequest): PendingLogin | undefined {
  const raw = readCookie(request, PENDING_COOKIE);
  if (!raw) return undefined;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<PendingLogin>;
    if (typeof value.state !== 'string' || typeof value.nonce !== 'string' || typeof value.verifier !== 'string')
      return undefined;
    return { state: value.state, nonce: value.nonce, verifier: value.verifier, returnTo: localPath(value.returnTo) };
  } catch {
    return undefined;
  }
}

export function registerLogin(scope: FastifyInstance, site: Site): void {
  const { layout, isc, users, auth, log } = site;
  const secure = site.config.publicUrl.startsWith('https:');
  const setPending = (reply: FastifyReply, value: string, maxAgeSeconds: number) =>
    setCookie(reply, PENDING_COOKIE, value, { path: LOGIN_URL, secure, maxAgeSeconds });

  const failure = (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    key: MessageKey,
    details: string[] = [],
  ) =>
    layout.send(request, reply, {
      title: t('site.login.failedTitle'),
      status,
      body: html`<h1>${t('site.login.failedTitle')}</h1>
<div class="notice error" role="alert"><p>${t(key)}</p>${
        details.length ? html`<ul>${details.map((d) => html`<li>${d}</li>`)}</ul>` : ''
      }</div>
<p><a class="button" href="${LOGIN_URL}">${t('site.login.retry')}</a> <a href="/">${t('site.login.backHome')}</a></p>`,
    });

  scope.get('/', async (request, reply) => {
    const user = await layout.user(request);
    if (user) return reply.redirect(landing(user), 303);
    return layout.send(request, reply, {
      title: t('site.home.title'),
      body: homeBody(site.config.isc.mode === 'simulated'),
    });
  });

  scope.get<{ Querystring: { retour?: string } }>(LOGIN_URL, async (request, reply) => {
    try {
      const { url, pending } = await isc.start(localPath(request.query.retour));
      setPending(reply, Buffer.from(JSON.stringify(pending)).toString('base64url'), PENDING_MAX_AGE_SECONDS);
      return reply.redirect(url.href, 303);
    } catch (error) {
      log.warn('site: ISC discovery failed', { error });
      return failure(request, reply, 502, 'site.login.unreachable');
    }
  });

  scope.get(`${LOGIN_URL}/retour`, async (request, reply) => {
    const pending = readPending(request);
    setPending(reply, '', 0);
    if (!pending) return failure(request, reply, 400, 'site.login.expired');
    let user: PlatformUser;
    try {
      const claims = await isc.finish(new URL(request.url, 'http://site').search, pending);
      user = await users.fromIscClaims(claims);
    } catch (error) {
      if ((error as { error?: unknown }).error === 'access_denied')
        return failure(request, reply, 403, 'site.login.refused');
      if (error instanceof PlatformDirectoryError)
        return failure(
          request,
          reply,
          403,
          'site.login.claims',
          Object.entries(error.problems).map(([claim, problem]) => `${claim}\u00a0: ${problem}`),
        );
      log.warn('site: ISC login failed', { error });
      return failure(request, reply, 400, 'site.login.failed');
    }
    await auth.sessions.startSession(reply, user.id);
    log.info('site: signed in', { login: user.login, role: user.role });
    return reply.redirect(pending.returnTo ?? landing(user), 303);
  });

  // A profile menu without a valid token (another page's shell, an expired form) gets this confirmation.
  const confirmLogout = async (request: FastifyRequest, reply: FastifyReply) => {
    const user = await layout.user(request);
    const button = html`<button type="submit">${t('site.logout.confirm')}</button>`;
    return layout.send(request, reply, {
      title: t('site.logout.title'),
      user,
      body: html`<h1>${t('site.logout.title')}</h1><p>${t('site.logout.question')}</p>
<form method="post" action="${LOGOUT_URL}">${layout.csrf.field(layout.csrf.token(request, reply))}${button}</form>`,
    });
  };

  scope.get(LOGOUT_URL, confirmLogout);

  scope.post(LOGOUT_URL, async (request, reply) => {
    if (!layout.csrf.valid(request, formOf(request))) return confirmLogout(request, reply);
    await auth.sessions.endSession(request, reply);
    let end: URL | undefined;
    try {
      end = await isc.endSessionUrl();
    } catch (error) {
      // The platform's session is over either way; ISC's own ends when it expires.
      log.warn('site: ISC end-session unavailable', { error });
    }
    return reply.redirect(end?.href ?? '/', 303);
  });
}

function homeBody(simulated: boolean) {
  const steps = (
    ['site.home.step1', 'site.home.step2', 'site.home.step3', 'site.home.step4', 'site.home.step5'] as const
  ).map((key) => html`<li>${t(key)}</li>`);
  return html`<h1>${t('site.home.title')}</h1>
<p>${t('site.home.intro')}</p>
<h2>${t('site.home.stepsTitle')}</h2>
<ol>${steps}</ol>
<p><a class="button" href="${LOGIN_URL}">${t('site.home.login')}</a></p>
<p class="hint">${t('site.home.isc')}${simulated ? ` ${t('site.home.iscSimulated')}` : ''}</p>`;
}
