// The test runner's pages (manual §3), under /outil/<account>, reached from the account site's « Accès à
// l'outil » with its web session:
//   /outil/<account>                            projects (activity, legal notices and terms of use)
//   /outil/<account>/tableau-de-bord            dashboard (message of the day, « Lisez-moi »)
//   /outil/<account>/jobs                       the Jobs tree
//   /outil/<account>/jobs/<job|folder|campaign> a job: Attendus, options, « Exécuter maintenant » (POST)
//   /outil/<account>/executions/<id>            an execution; POST …/arreter and …/relancer
//   /outil/<account>/activite                   the account's executions, filtered and paged
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Accounts } from '../../accounts/accounts.ts';
import { targetTitle } from '../../api/evidence.ts';
import type { Auth } from '../../auth/index.ts';
import type { Config } from '../../config/config.ts';
import { t } from '../../i18n/messages.ts';
import type { Identity } from '../../identity/index.ts';
import { acceptForms, formOf, refuseForgedForm, type Csrf } from '../../identity/web/forms.ts';
import { normaliseIp } from '../../mail/session.ts';
import { resolveTarget, type Runner } from '../../runner/runner.ts';
import type { ExecutionStore } from '../../runner/store.ts';
import type { Execution } from '../../runner/types.ts';
import type { RouteRegistrar } from '../server.ts';
import { executionOf, visitOf, type Visit } from './access.ts';
import { activityBody, type ActivityQuery } from './activity-page.ts';
import { dashboardBody } from './dashboard-page.ts';
import { executionBody } from './execution-page.ts';
import { jobBody, type OptionsForm } from './job-page.ts';
import { jobsBody } from './jobs-page.ts';
import { securityHeaders, toLogin } from '../site/layout.ts';
import { RunnerLayout, runnerUrl, type RunnerPage } from './layout.ts';
import { projectsBody } from './projects-page.ts';

export interface RunnerPagesDeps {
  config: Config;
  accounts: Accounts;
  auth: Auth;
  runner: Runner;
  executions: ExecutionStore;
  identity: Pick<Identity, 'isc' | 'csrf'>;
}

/** How long « Arrêter le travail » waits for the execution to record its end, so the next page shows it. */
const STOP_WAIT_MS = 3000;

type Route = { Params: { account: string; target?: string; execution?: string }; Querystring: ActivityQuery };

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
  const layout = new RunnerLayout(securityHeaders(new URL(deps.identity.isc.issuer).origin));

  return async (app) => {
    /** Runs the handler for a visitor who reaches the account; others go to the login or get the 404 page. */
    const visiting = (handler: (request: FastifyRequest<Route>, reply: FastifyReply, context: Context) => Promise<FastifyReply>) => async (request: FastifyRequest<Route>, reply: FastifyReply) => {
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
    const forged = (reply: FastifyReply, context: Context) => refuseForgedForm(reply, (_reply, title, body, status) => context.send({ title, body, ...(status ? { status } : {}) }));

    const jobPage = async (request: FastifyRequest<Route>, context: Context, form?: OptionsForm, status = 200) => {
      const targetId = request.params.target!;
      const target = resolveTarget(targetId);
      if (!target) return context.notFound();
      const { visit, csrf: token } = context;
      const body = await jobBody({ visit, target, targetId, config, executions, csrf: token, browserIp: normaliseIp(request.ip), form });
      return context.send({ title: targetTitle({ targetType: target.type, targetId }), tab: 'jobs', body, status });
    };

    const executionPage = async (request: FastifyRequest<Route>, context: Context, alert?: string) => {
      const execution = await executionOf(context.visit, executions, request.params.execution!);
      if (!execution) return context.notFound();
      const body = await executionBody({ visit: context.visit, execution, config, executions, csrf: context.csrf, alert });
      return context.send({ title: t('export.title', { id: execution.id, title: targetTitle(execution) }), body, live: true, status: alert ? 409 : 200 });
    };

    /** A form posted on an execution of the visited account, with this platform's token. */
    const onExecution = (act: (execution: Execution, request: FastifyRequest<Route>, reply: FastifyReply, context: Context) => Promise<FastifyReply>) =>
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
        visiting(async (_request, _reply, c) => c.send({ title: t('runnerPage.projects.title'), tab: 'projects', body: await projectsBody(c.visit, executions, config.publicUrl) })),
      );

      scope.get<Route>(
        '/outil/:account/tableau-de-bord',
        visiting(async (_request, _reply, c) => c.send({ title: t('runnerPage.dashboard.title'), tab: 'dashboard', body: await dashboardBody(c.visit, config, executions) })),
      );

      scope.get<Route>(
        '/outil/:account/jobs',
        visiting(async (_request, _reply, c) => c.send({ title: t('runnerPage.jobs.title'), tab: 'jobs', body: await jobsBody(c.visit, executions) })),
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
          const started = await runner.start({ accountId: c.visit.account.id, target: targetId, delai: values.delai, ip: values.ip, startedBy: c.visit.user.login });
          if (started.ok) return reply.redirect(runnerUrl(c.visit.account.id, `executions/${started.execution.id}`), 303);
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
          if (runner.cancel(execution.id)) await recorded(execution.id);
          return reply.redirect(runnerUrl(c.visit.account.id, `executions/${execution.id}`), 303);
        }),
      );

      // « Exécuter à nouveau »: the same target with the same options.
      scope.post<Route>(
        '/outil/:account/executions/:execution/relancer',
        onExecution(async (execution, request, reply, c) => {
          const { delaiSeconds, ip } = execution.options;
          const started = await runner.start({ accountId: c.visit.account.id, target: execution.targetId, delai: delaiSeconds, ...(ip ? { ip } : {}), startedBy: c.visit.user.login });
          if (started.ok) return reply.redirect(runnerUrl(c.visit.account.id, `executions/${started.execution.id}`), 303);
          const alert = started.reason === 'unknown_account' ? t('api.error.accountUnavailable') : started.errors.map((e) => (typeof e === 'string' ? e : e.message)).join(' ');
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
      const unfollow = runner.follow(id, (event) => event.type === 'state' && event.execution.status === 'finished' && done());
      void executions.get(id).then((e) => e?.status === 'finished' && done());
    });
  }
}
