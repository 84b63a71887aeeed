// « Ce que la plateforme voit de mon poste » (/mon-poste): before a run, the address the platform sees the
// vendor's machine at (what a job's « Adresse IP » is compared with) and a summary of the latest mail
// sessions from it: ClientHello, TLS result or the client's alert, client certificate, authentication.
// Several vendors may share an address (NAT, proxy): a session that authenticated as another organisation's
// mailbox shows only facts about the connection, and addresses and certificate OUs are shown only when they
// are the vendor's own.
import type { FastifyInstance } from 'fastify';
import { idnatMailbox } from '../../accounts/provisioning.ts';
import { sessionsOf, type SessionFacts } from '../../catalogue/facts.ts';
import { alertText, authReason, mechanismName, problemText, tlsFailureText } from '../../observe/wording.ts';
import { tls12Suites } from '../../catalogue/kinds/tls.ts';
import type { Config } from '../../config/config.ts';
import { t } from '../../i18n/messages.ts';
import { normaliseIp } from '../../mail/session.ts';
import { ALLOWED_TLS12_SUITES } from '../../mail/tls/policy.ts';
import type { ObservationKind } from '../../observe/journal.ts';
import { frenchDateTime, html, type SafeHtml } from '../html.ts';
import type { Site } from './index.ts';
import { cell, VENDORS } from './layout.ts';

const SESSIONS_SHOWN = 10;
/** What the summary reads of a session (its commands are left out: a long IMAP session has thousands). */
const SUMMARY_KINDS: ObservationKind[] = ['session.open', 'tls.client_hello', 'tls.established', 'tls.failed', 'auth'];
const ALLOWED = new Set(ALLOWED_TLS12_SUITES.map((s) => s.iana));

export function registerPreflight(scope: FastifyInstance, site: Site): void {
  const { layout, journal, accounts, config } = site;

  scope.get('/mon-poste', async (request, reply) => {
    const user = await layout.guard(request, reply, VENDORS);
    if (!user) return reply;
    const ip = normaliseIp(request.ip);
    const opened = await journal.tail({ clientIp: ip, kind: 'session.open' }, SESSIONS_SHOWN);
    const observations = await Promise.all(
      opened.map((o) => journal.query({ sessionId: o.sessionId!, kind: SUMMARY_KINDS, limit: 200 })),
    );
    const sessions = sessionsOf(observations.flat()).sort((a, b) => b.openedAt - a.openedAt);
    const own = new Set(await accounts.mailboxesOf(user.organisation!.id));
    const psc = config.endpoints.find((e) => e.id === 'psc')!;
    const head = (
      [
        'site.preflight.when',
        'site.preflight.endpoint',
        'site.preflight.hello',
        'site.preflight.tls',
        'site.preflight.certificate',
        'site.preflight.auth',
      ] as const
    ).map((k) => t(k));
    return layout.send(request, reply, {
      title: t('site.preflight.title'),
      user,
      body: html`<h1>${t('site.preflight.title')}</h1>
<p class="lead">${t('site.preflight.ip')} <strong id="adresse-ip">${ip}</strong></p>
<p>${t('site.preflight.ipUse')}</p>
<h2>${t('site.preflight.sessions', { count: SESSIONS_SHOWN })}</h2>
<p>${t('site.preflight.try')}</p>
<pre>openssl s_client -starttls smtp -connect ${psc.host}:${psc.smtpPort} -servername ${psc.host}</pre>
<p><a class="button secondary" href="/mon-poste">${t('site.preflight.refresh')}</a></p>
${
  sessions.length === 0
    ? html`<p>${t('site.preflight.none')}</p>`
    : html`<table class="stack sessions">
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${sessions.map((s) => {
        const cells = summary(s, own, config);
        return html`<tr>${cells.map((c, i) => cell(head[i]!, c))}</tr>`;
      })}</tbody>
</table>
<p class="hint">${t('site.preflight.privacy')}</p>`
}`,
    });
  });
}

/** One row: facts of the connection, and mailbox addresses only when they are the vendor's own. */
function summary(s: SessionFacts, own: Set<string>, config: Config): (SafeHtml | string)[] {
  const foreign = s.mailbox !== null && !own.has(s.mailbox);
  return [
    frenchDateTime(s.openedAt),
    `${s.endpoint} · ${s.protocol.toUpperCase()}`,
    hello(s),
    tls(s),
    certificate(s, own, config),
    auth(s, own, foreign),
  ];
}

/** A suite name that may wrap at its underscores (TLS_ECDHE_RSA_WITH_…) rather than widen a narrow screen. */
function suite(name: string): SafeHtml {
  return html`${name.split('_').map((part, i) => html`${i ? html`_<wbr>` : ''}${part}`)}`;
}

function hello(s: SessionFacts): SafeHtml | string {
  if (!s.hello) return t('site.preflight.noHello');
  const offered = s.hello.data.cipherSuites;
  const forbidden = tls12Suites(offered).filter((name) => !ALLOWED.has(name));
  const summary = t('site.preflight.helloSummary', {
    version: String(s.hello.data.highestVersion ?? '?'),
    count: offered.length,
  });
  return html`${summary} ${
    forbidden.length
      ? html`${t('site.preflight.forbidden')} ${forbidden.map((name, i) => html`${i ? ', ' : ''}${suite(name)}`)}`
      : t('site.preflight.noForbidden')
  }`;
}

function tls(s: SessionFacts): SafeHtml | string {
  if (s.established) {
    const version = String(s.established.data.version);
    return html`${t('site.preflight.established', { version })} ${suite(String(s.established.data.cipher))}`;
  }
  const failure = s.tlsFailure?.data;
  if (!failure) return '—';
  if (failure.stage === 'handshake' && failure.alert)
    return t('site.preflight.clientAlert', { alert: alertText(failure.alert) });
  return t(
    failure.stage === 'handshake' && failure.by === 'server'
      ? 'site.preflight.serverRefused'
      : 'site.preflight.aborted',
    { detail: tlsFailureText(failure) },
  );
}

function certificate(s: SessionFacts, own: Set<string>, config: Config): string {
  const cert = s.established?.data.clientCertificate;
  if (!cert?.present) return t('site.preflight.noCertificate');
  const validity = cert.trusted
    ? t('site.preflight.certificateValid')
    : t('site.preflight.certificateInvalid', { problems: cert.problems.map(problemText).join(', ') });
  // The OU names a structure: shown when the session signed in with one of the vendor's mailboxes, or when it
  // is the IdNat of one (an ORG_AUTH_CLI certificate's OU is its applicative mailbox's). A session that did not
  // sign in may be another vendor's.
  const ours = (s.mailbox !== null && own.has(s.mailbox)) || (cert.ou ? own.has(idnatMailbox(cert.ou, config)) : false);
  return ours ? `${t('site.preflight.certificateOu', { ou: cert.ou ?? '—' })} ${validity}` : validity;
}

function auth(s: SessionFacts, own: Set<string>, foreign: boolean): SafeHtml {
  if (s.auths.length === 0) return html`${t('site.preflight.noAuth')}`;
  return html`<ul class="plain">${s.auths.map((a) => {
    const d = a.data;
    const who = a.mailbox ?? d.user ?? null;
    const mailbox =
      who !== null && own.has(who)
        ? html` &mdash; <code>${who}</code>`
        : foreign && d.outcome === 'success'
          ? ` — ${t('site.preflight.otherMailbox')}`
          : '';
    const outcome =
      d.outcome === 'success'
        ? t('site.preflight.authOk')
        : t('site.preflight.authRefused', { reason: authReason(d.reason) });
    const clear = d.tls === false ? ` ${t('site.preflight.inClear')}` : '';
    return html`<li>${mechanismName(a.data)} : ${outcome}${mailbox}${clear}</li>`;
  })}</ul>`;
}
