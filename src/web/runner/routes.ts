// The test runner's pages (manual §3), under /outil/<account>, reached from the account site's « Accès à
// l'outil » with its web session:
//   /outil/<account>                            projects (activity, legal notices and terms of use)
//   /outil/<account>/tableau-de-bord            dashboard (message of the day, « Lisez-moi »)
//   /outil/<account>/jobs                       the Jobs tree
//   /outil/<account>/jobs/<job|folder|campaign> a job: Attendus, options, « Exécuter maintenant » (POST)
//   /outil/<account>/executions/<id>            an execution; POST …/arreter and …/relancer
//   /outil/<account>/activite                   the account's executions, filtered and paged
//   /outil/<account>/conformite                 the readiness board; POST …/rejouer: « Rejouer les KO »
//   /outil/<account>/dossier                    the evidence dossier: choose, POST downloads the signed ZIP
//   /outil/<account>/contact                    « Contacter l'agence »: the prepared message, POST sends it
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Accounts } from '../../accounts/accounts.ts';
import { targetTitle } from '../../catalogue/jobs.ts';
import type { Auth } from '../../auth/index.ts';
import type { Config } from '../../config/config.ts';
import { t } from '../../i18n/messages.ts';
import type { Identity } from '../../identity/index.ts';
import { refuseForgedForm, type Csrf } from '../csrf.ts';
import { acceptForms, formOf } from '../forms.ts';
import { normaliseIp } from '../../mail/session.ts';
import { resolveTarget, SELECTION, type Runner } from '../../runner/runner.ts';
import type { ExecutionStore } from '../../runner/store.ts';
import type { Execution } from '../../runner/types.ts';
import type { RouteRegistrar } from '../server.ts';
import { buildDossier, defaultSelection } from '../../dossier/build.ts';
import { AgencyMail, MAX_BODY, prepareMessage, subjectOf } from '../../dossier/contact.ts';
import type { Journal } from '../../observe/journal.ts';
import type { TestPki } from '../../pki/index.ts';
import type { Database } from '../../store/schema.ts';
import { readiness } from '../../runner/readiness.ts';
import { boardBody, type BoardQuery, type ReplayForm } from './board-page.ts';
import { contactBody } from './contact-page.ts';
import { chosenIds, dossierBody, type DossierForm } from './dossier-page.ts';
import { executionOf, visitOf, type Visit } from './access.ts';
import { activityBody, type ActivityQuery } from './activity-page.ts';
import { dashboardBody } from './dashboard-page.ts';
import { executionBody } from './execution-page.ts';
import { jobBody, type OptionsForm } from './job-page.ts';
import { jobsBody, type JobsQuery } from './jobs-page.ts';
import { securityHeaders, toLogin } from '../site/layout.ts';
import { BOARD_PATH, RunnerLayout, runnerUrl, type RunnerPage } from './layout.ts';
import { projectsBody } from './projects-page.ts';

export interface RunnerPagesDeps {
  config: Config;
  /** The store, for what the pages keep of their own (the messages sent to the agency, counted for its cap). */
  db: Kysely<Database>;
  accounts: Accounts;
  auth: Auth;
  runner: Runner;
  executions: ExecutionStore;
  identity: Pick<Identity, 'isc' | 'csrf'>;
  journal: Journal;
  pki: Pick<TestPki, 'signEvidence'>;
}

/** How long « Arrêter le travail » waits for the execution to record its end, so the next page shows it. */
const STOP_WAIT_MS = 3000;

type Route = {
  Params: { account: string; target?: string; execution?: string };
  Querystring: ActivityQuery & BoardQuery & JobsQuery & { dossier?: string };
};

/** What a handler gets besides the request: the visit, the page's form token, and how to answer. */
interface Context {
  visit: Visit;
  csrf: { instance: Csrf; token: string };
  send(p: RunnerPage): FastifyReply;
  notFound(): FastifyReply;
}

export function runnerPages(deps: RunnerPagesDeps): RouteRegistrar {
  const { config, runner, executions } = deps;
  const { csrf } = deps.identity;
  const agencyMail = new AgencyMail(config, deps.db);
  const layout = new RunnerLayout(securityHeaders(new URL(deps.identity.isc.issuer).origin));

  return async (app) => {
    /** Runs the handler for a visitor who reaches the account; others go to the login or get the 404 page. */
    const visiting =
      (handler: (request: FastifyRequest<Route>, reply: FastifyReply, context: Context) => Promise<FastifyReply>) =>
      async (request: FastifyRequest<Route>, reply: FastifyReply) => {
        const result = await visitOf(request, deps, request.params.account);
        if (!result.ok && result.reason === 'signed-out') return toLogin(request, reply);
        const token = csrf.token(request, reply);
        if (!result.ok) return layout.notFound(reply, result.user, token);
        const { visit } = result;
        return handler(request, reply, {
          visit,
          csrf: { instance: csrf, token },
          send: (p) => layout.send(reply, visit, token, p),
          notFound: () => layout.notFound(reply, visit.user, token),
        });
      };
    /** A form posted without this platform's CSRF token: an expired page, or another site's form. */
    const forged = (reply: FastifyReply, context: Context) =>
      refuseForgedForm(reply, (_reply, title, body, status) =>
        context.send({ title, body, ...(status ? { status } : {}) }),
      );

    const jobPage = async (request: FastifyRequest<Route>, context: Context, form?: OptionsForm, status = 200) => {
      const targetId = request.params.target!;
      const target = resolveTarget(targetId);
      if (!target) return context.notFound();
      const { visit, csrf: token } = context;
      const body = await jobBody({
        visit,
        target,
        targetId,
        config,
        executions,
        csrf: token,
        browserIp: normaliseIp(request.ip),
        form,
      });
      return context.send({ title: targetTitle({ targetType: target.type, targetId }), tab: 'jobs', body, status });
    };

    const executionPage = async (request: FastifyRequest<Route>, context: Context, alert?: string) => {
      const execution = await executionOf(context.visit, executions, request.params.execution!);
      if (!execution) return context.notFound();
      const body = await executionBody({
        visit: context.visit,
        execution,
        config,
        executions,
        csrf: context.csrf,
        alert,
      });
      return context.send({
        title: t('export.title', { id: execution.id, title: targetTitle(execution) }),
        body,
        live: true,
        status: alert ? 409 : 200,
      });
    };

    const boardPage = async (request: FastifyRequest<Route>, context: Context, form?: ReplayForm, status?: number) => {
      const board = await readiness(executions, context.visit.account);
      const { body, valid } = boardBody({
        visit: context.visit,
        board,
        query: request.query,
        config,
        csrf: context.csrf,
        browserIp: normaliseIp(request.ip),
        form,
      });
      return context.send({ title: t('board.title'), tab: 'board', body, status: status ?? (valid ? 200 : 400) });
    };

    const dossierPage = async (context: Context, form?: DossierForm) => {
      const latest = await defaultSelection(executions, context.visit.account.id);
      return context.send({
        title: t('dossier.generate'),
        tab: 'board',
        body: dossierBody({ visit: context.visit, latest, config, csrf: context.csrf, ...(form ? { form } : {}) }),
        status: form ? 400 : 200,
      });
    };

    /** A form posted on an execution of the visited account, with this platform's token. */
    const onExecution = (
      act: (
        execution: Execution,
        request: FastifyRequest<Route>,
        reply: FastifyReply,
        context: Context,
      ) => Promise<FastifyReply>,
    ) =>
      visiting(async (request, reply, c) => {
        const execution = await executionOf(c.visit, executions, request.params.execution!);
        if (!execution) return c.notFound();
        if (!csrf.valid(request, formOf(request))) return forged(reply, c);
        return act(execution, request, reply, c);
      });

    await app.register(async (scope) => {
      acceptForms(scope);

      scope.get<Route>(
        '/outil/:account',
        visiting(async (_request, _reply, c) =>
          c.send({
            title: t('runnerPage.projects.title'),
            tab: 'projects',
            body: await projectsBody(c.visit, executions, config.publicUrl),
          }),
        ),
      );

      scope.get<Route>(
        '/outil/:account/tableau-de-bord',
        visiting(async (_request, _reply, c) =>
          c.send({
            title: t('runnerPage.dashboard.title'),
            tab: 'dashboard',
            body: await dashboardBody(c.visit, config, executions),
          }),
        ),
      );

      scope.get<Route>(
        '/outil/:account/jobs',
        visiting(async (request, _reply, c) => {
          const { body, valid } = await jobsBody(c.visit, executions, request.query);
          return c.send({ title: t('runnerPage.jobs.title'), tab: 'jobs', body, status: valid ? 200 : 400 });
        }),
      );

      scope.get<Route>(
        '/outil/:account/jobs/:target',
        visiting(async (request, _reply, c) => jobPage(request, c)),
      );

      // « Exécuter maintenant »: start, then show the execution; or the form again with its errors and values.
      scope.post<Route>(
        '/outil/:account/jobs/:target',
        visiting(async (request, reply, c) => {
          const targetId = request.params.target!;
          if (!resolveTarget(targetId)) return c.notFound();
          const form = formOf(request);
          if (!csrf.valid(request, form)) return forged(reply, c);
          const values = { ip: form.ip ?? '', delai: form.delai ?? '' };
          const started = await runner.start({
            accountId: c.visit.account.id,
            target: targetId,
            delai: values.delai,
            ip: values.ip,
            startedBy: c.visit.user.login,
          });
          if (started.ok)
            return reply.redirect(runnerUrl(c.visit.account.id, `executions/${started.execution.id}`), 303);
          const errors: OptionsForm['errors'] = {};
          if (started.reason === 'unknown_account') errors.general = t('api.error.accountUnavailable');
          for (const error of started.errors) {
            if (typeof error === 'string') errors.general = error;
            else errors[error.field] = error.message;
          }
          return jobPage(request, c, { values, errors }, started.reason === 'unknown_account' ? 409 : 400);
        }),
      );

      scope.get<Route>(
        '/outil/:account/executions/:execution',
        visiting(async (request, _reply, c) => executionPage(request, c)),
      );

      // « Arrêter le travail »: the execution ends CANCELLED; the next page shows it once recorded.
      scope.post<Route>(
        '/outil/:account/executions/:execution/arreter',
        onExecution(async (execution, _request, reply, c) => {
          if (await runner.cancel(execution.id)) await recorded(execution.id);
          return reply.redirect(runnerUrl(c.visit.account.id, `executions/${execution.id}`), 303);
        }),
      );

      // « Exécuter à nouveau »: the same target with the same options.
      scope.post<Route>(
        '/outil/:account/executions/:execution/relancer',
        onExecution(async (execution, request, reply, c) => {
          const { delaiSeconds, ip } = execution.options;
          const started = await runner.start({
            accountId: c.visit.account.id,
            target: execution.targetId,
            delai: delaiSeconds,
            ...(ip ? { ip } : {}),
            startedBy: c.visit.user.login,
          });
          if (started.ok)
            return reply.redirect(runnerUrl(c.visit.account.id, `executions/${started.execution.id}`), 303);
          const alert =
            started.reason === 'unknown_account'
              ? t('api.error.accountUnavailable')
              : started.errors.map((e) => (typeof e === 'string' ? e : e.message)).join(' ');
          return executionPage(request, c, alert);
        }),
      );

      scope.get<Route>(
        '/outil/:account/activite',
        visiting(async (request, _reply, c) => {
          const { body, valid } = await activityBody(c.visit, executions, request.query);
          return c.send({ title: t('runnerPage.activity.title'), tab: 'activity', body, status: valid ? 200 : 400 });
        }),
      );

      scope.get<Route>(
        '/outil/:account/conformite',
        visiting(async (request, _reply, c) => boardPage(request, c)),
      );

      // « Rejouer les KO »: the units not passed yet, as they are now, in one execution with the options typed.
      scope.post<Route>(
        '/outil/:account/conformite/rejouer',
        visiting(async (request, reply, c) => {
          const form = formOf(request);
          if (!csrf.valid(request, form)) return forged(reply, c);
          const values = { ip: form.ip ?? '', delai: form.delai ?? '' };
          const { toReplay } = await readiness(executions, c.visit.account);
          if (!toReplay.length) return reply.redirect(runnerUrl(c.visit.account.id, BOARD_PATH), 303);
          const started = await runner.start({
            accountId: c.visit.account.id,
            target: SELECTION,
            units: toReplay.map((j) => j.id),
            delai: values.delai,
            ip: values.ip,
            startedBy: c.visit.user.login,
          });
          if (started.ok)
            return reply.redirect(runnerUrl(c.visit.account.id, `executions/${started.execution.id}`), 303);
          const errors: ReplayForm['errors'] = {};
          for (const error of started.errors) {
            if (typeof error === 'string') errors.general = error;
            else errors[error.field] = error.message;
          }
          return boardPage(request, c, { values, errors }, started.reason === 'unknown_account' ? 409 : 400);
        }),
      );

      scope.get<Route>(
        '/outil/:account/dossier',
        visiting(async (_request, _reply, c) => dossierPage(c)),
      );

      // « Générer le dossier de preuves »: the signed ZIP as a download, or the form again with what is wrong.
      scope.post<Route>(
        '/outil/:account/dossier',
        visiting(async (request, reply, c) => {
          const form = formOf(request);
          if (!csrf.valid(request, form)) return forged(reply, c);
          const chosen = chosenIds(form);
          if (chosen.problem)
            return dossierPage(c, { ticked: chosen.ticked, others: chosen.others, errors: [chosen.problem] });
          const built = await buildDossier(
            { config, executions, journal: deps.journal, pki: deps.pki },
            c.visit.account,
            chosen.ids,
          );
          if (!built.ok) return dossierPage(c, { ticked: chosen.ticked, others: chosen.others, errors: built.errors });
          return reply
            .code(200)
            .type('application/zip')
            .header('cache-control', 'no-store')
            .header('content-disposition', `attachment; filename="${built.dossier.fileName}"`)
            .send(Buffer.from(built.dossier.zip));
        }),
      );

      scope.get<Route>(
        '/outil/:account/contact',
        visiting(async (request, _reply, c) => {
          const dossier = (request.query.dossier ?? '').trim().slice(0, 100);
          const board = await readiness(executions, c.visit.account);
          const message = prepareMessage({
            account: c.visit.account,
            user: c.visit.user,
            board,
            publicUrl: config.publicUrl,
            dossier,
          });
          return c.send({
            title: t('contact.title'),
            tab: 'board',
            copy: true,
            body: contactBody({ visit: c.visit, config, message, dossier, csrf: c.csrf }),
          });
        }),
      );

      // Sends the (edited) message to the agency through the platform's outgoing mail.
      scope.post<Route>(
        '/outil/:account/contact',
        visiting(async (request, reply, c) => {
          const form = formOf(request);
          if (!csrf.valid(request, form)) return forged(reply, c);
          const message = { subject: subjectOf(form.objet ?? ''), body: (form.message ?? '').replace(/\r\n/g, '\n') };
          const dossier = (form.dossier ?? '').trim().slice(0, 100);
          const errors: Record<string, string> = {};
          if (!(form.objet ?? '').trim()) errors.objet = t('contact.error.subject');
          if (!message.body.trim()) errors.message = t('contact.error.message');
          else if (message.body.length > MAX_BODY) errors.message = t('contact.error.tooLong', { max: MAX_BODY });
          const sent = Object.keys(errors).length ? undefined : await agencyMail.send(c.visit.user, message);
          if (sent && !sent.ok) errors.general = t(`contact.error.${sent.reason}`);
          const page = (status: number, sentTo?: string) =>
            c.send({
              title: t('contact.title'),
              tab: 'board',
              copy: true,
              status,
              body: contactBody({
                visit: c.visit,
                config,
                message,
                dossier,
                csrf: c.csrf,
                errors,
                ...(sentTo ? { sentTo } : {}),
              }),
            });
          if (sent?.ok) return page(200, sent.to);
          return page(
            sent?.ok === false && sent.reason === 'throttled'
              ? 429
              : sent?.ok === false && sent.reason === 'failed'
                ? 502
                : 400,
          );
        }),
      );

      // Any other address under /outil: the same « page introuvable ».
      scope.all('/outil/*', async (request, reply) => {
        const user = await deps.auth.sessions.sessionUser(request);
        return user ? layout.notFound(reply, user, csrf.token(request, reply)) : toLogin(request, reply);
      });
    });
  };

  /** Resolves once the execution's end is recorded, or after STOP_WAIT_MS. */
  function recorded(id: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unfollow();
        resolve();
      };
      const timer = setTimeout(done, STOP_WAIT_MS);
      const unfollow = runner.follow(
        id,
        (event) => event.type === 'state' && event.execution.status === 'finished' && done(),
      );
      void executions.get(id).then((e) => e?.status === 'finished' && done());
    });
  }
}
