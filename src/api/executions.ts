// /executions: start a job for an account, list, read one with its steps, its log (JSON or live events),
// stop it, export its evidence (JSON, printable HTML).
import { z } from 'zod';
import { Access } from '../auth/access.ts';
import { t } from '../i18n/messages.ts';
import { buildEvidence, executionView } from '../runner/evidence.ts';
import { SELECTION } from '../runner/runner.ts';
import type { Execution } from '../runner/types.ts';
import { evidencePage } from '../web/review/evidence-page.ts';
import type { ApiDeps } from './index.ts';
import { ApiError, notFound, reached, type Router } from './route.ts';
import { evidenceSchema, executionSchema, executionTreeSchema, idParams, logLineSchema } from './schemas.ts';

const READERS = ['vendor', 'reviewer', 'admin'] as const;
const RUNNERS = ['vendor', 'admin'] as const;

export function executionRoutes(router: Router, deps: ApiDeps): void {
  const { accounts, executions, runner, journal, streams } = deps;
  const access = (caller: ConstructorParameters<typeof Access>[0]) => new Access(caller, accounts);

  router.route({
    method: 'POST',
    url: '/executions',
    operationId: 'startExecution',
    tag: 'Exécutions',
    summary:
      'Lance un travail (test unitaire, job global, campagne, ou sélection de tests unitaires) ' +
      'pour un compte disponible',
    roles: RUNNERS,
    body: z.strictObject({
      account: z.number().int().positive().describe('Identifiant du compte'),
      target: z
        .string()
        .min(1)
        .describe('Identifiant du test unitaire, du dossier (job global), « campaign », ou « selection » avec units'),
      units: z
        .array(z.string())
        .max(100)
        .optional()
        .describe('Sélection : les tests unitaires à exécuter, joués dans l’ordre du catalogue'),
      delai: z.union([z.number(), z.string()]).optional().describe('Délai d’écoute en secondes'),
      ip: z.string().optional().describe('Adresse IP publique du poste du LPS'),
    }),
    answer: { status: 201, description: 'Exécution lancée', schema: executionSchema },
    errors: [400, 404, 409],
    async handler({ caller, body }) {
      reached(await access(caller).account(body.account));
      const started = await runner.start({
        accountId: body.account,
        target: body.target,
        units: body.units,
        delai: body.delai,
        ip: body.ip,
        startedBy: caller.user.login,
      });
      if (started.ok) return executionView(started.execution);
      if (started.reason === 'unknown_account')
        throw new ApiError(409, 'account_unavailable', t('api.error.accountUnavailable'));
      const field =
        started.reason === 'unknown_target'
          ? 'target'
          : body.target === SELECTION && !started.errors.some((e) => typeof e !== 'string')
            ? 'units'
            : 'account';
      const fields = started.errors.map((e) => (typeof e === 'string' ? { field, message: e } : e));
      throw new ApiError(400, 'invalid', t('api.error.invalid'), fields);
    },
  });

  router.route({
    method: 'GET',
    url: '/executions',
    operationId: 'listExecutions',
    tag: 'Exécutions',
    summary: 'Liste les exécutions des comptes de l’appelant, les plus récentes d’abord',
    roles: RUNNERS,
    query: z.strictObject({
      account: z.coerce.number().int().positive().optional().describe('Seulement ce compte'),
      target: z.string().optional().describe('Seulement ce travail'),
      verdict: z.enum(['OK', 'KO', 'INCONCLUSIVE', 'ERROR', 'CANCELLED', 'INTERRUPTED']).optional(),
      before: z.coerce
        .number()
        .int()
        .positive()
        .optional()
        .describe('Identifiants inférieurs à celui-ci (page suivante)'),
      topLevel: z.enum(['true', 'false']).optional().describe('true : sans les étapes des jobs globaux et campagnes'),
      limit: z.coerce.number().int().min(1).max(500).optional(),
    }),
    answer: { status: 200, description: 'Exécutions', schema: z.object({ executions: z.array(executionSchema) }) },
    async handler({ caller, query }) {
      const reachable = await access(caller).accountIds();
      let accountIds = reachable;
      if (query.account !== undefined)
        accountIds = reachable === undefined || reachable.includes(query.account) ? [query.account] : [];
      const list = await executions.list({
        ...(accountIds ? { accountIds } : {}),
        ...(query.target ? { targetId: query.target } : {}),
        ...(query.verdict ? { verdict: query.verdict } : {}),
        ...(query.before ? { beforeId: query.before } : {}),
        ...(query.topLevel === 'true' ? { parentId: null } : {}),
        limit: query.limit ?? 100,
      });
      return { executions: list.map(executionView) };
    },
  });

  router.route({
    method: 'GET',
    url: '/executions/:id',
    operationId: 'getExecution',
    tag: 'Exécutions',
    summary: 'Une exécution par son identifiant (#id), avec ses étapes',
    roles: READERS,
    params: idParams,
    answer: { status: 200, description: 'Exécution', schema: executionTreeSchema },
    errors: [404],
    async handler({ caller, params }) {
      return tree(reached(await access(caller).execution(params.id, executions)));
    },
  });

  router.route({
    method: 'GET',
    url: '/executions/:id/log',
    operationId: 'getExecutionLog',
    tag: 'Exécutions',
    summary:
      'Journal d’une exécution (lignes après ?after=) : chaque ligne en français (text) ' +
      'et ce qu’elle dit en données (event)',
    roles: READERS,
    params: idParams,
    query: z.strictObject({
      after: z.coerce.number().int().min(0).optional().describe('Numéro de la dernière ligne déjà lue'),
    }),
    answer: {
      status: 200,
      description: 'Lignes du journal',
      schema: z.object({
        status: z.enum(['running', 'finished']),
        verdict: executionSchema.shape.verdict,
        lines: z.array(logLineSchema),
      }),
    },
    errors: [404],
    async handler({ caller, params, query }) {
      const execution = reached(await access(caller).execution(params.id, executions));
      return {
        status: execution.status,
        verdict: execution.verdict,
        lines: await executions.log(execution.id, query.after ?? 0),
      };
    },
  });

  router.route({
    method: 'GET',
    url: '/executions/:id/events',
    operationId: 'followExecution',
    tag: 'Exécutions',
    summary:
      'Journal en direct (text/event-stream) : lignes passées puis événements « log » (les lignes de /log, ' +
      'avec leur event) et « state », puis « end » ; le flux se ferme à la fin de l’exécution',
    roles: READERS,
    params: idParams,
    query: z.strictObject({
      after: z.coerce
        .number()
        .int()
        .min(0)
        .optional()
        .describe('Reprendre après cette ligne (ou en-tête Last-Event-ID)'),
    }),
    answer: { status: 200, description: 'Flux d’événements', contentType: 'text/event-stream' },
    errors: [404],
    async handler({ request, reply, caller, params, query }) {
      const execution = reached(await access(caller).execution(params.id, executions));
      const lastEventId = Number(request.headers['last-event-id']);
      await streams.stream(
        reply,
        execution,
        query.after ?? (Number.isSafeInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0),
      );
    },
  });

  router.route({
    method: 'POST',
    url: '/executions/:id/cancel',
    operationId: 'cancelExecution',
    tag: 'Exécutions',
    summary: 'Arrête une exécution en cours (« Arrêter le travail »)',
    roles: RUNNERS,
    params: idParams,
    answer: {
      status: 202,
      description: 'Arrêt demandé ; l’exécution se termine CANCELLED',
      schema: z.object({ cancelled: z.literal(true) }),
    },
    errors: [404, 409],
    async handler({ caller, params }) {
      const execution = reached(await access(caller).execution(params.id, executions));
      if (!(await runner.cancel(execution.id)))
        throw new ApiError(409, 'not_running', t('api.error.notRunning', { id: execution.id }));
      return { cancelled: true as const };
    },
  });

  router.route({
    method: 'GET',
    url: '/executions/:id/export.json',
    operationId: 'exportExecutionJson',
    tag: 'Exécutions',
    summary: 'Preuves de l’exécution : options, durées, verdict, vérifications, journal, observations utilisées',
    roles: READERS,
    params: idParams,
    answer: { status: 200, description: 'Preuves (JSON)', schema: evidenceSchema },
    errors: [404],
    async handler({ caller, params, reply }) {
      const execution = reached(await access(caller).execution(params.id, executions));
      reply.header('content-disposition', `attachment; filename="motco-execution-${execution.id}.json"`);
      return buildEvidence(execution, await accountOf(execution), { executions, journal });
    },
  });

  router.route({
    method: 'GET',
    url: '/executions/:id/export.html',
    operationId: 'exportExecutionHtml',
    tag: 'Exécutions',
    summary: 'Preuves de l’exécution en page imprimable (français)',
    roles: READERS,
    params: idParams,
    answer: { status: 200, description: 'Page HTML imprimable', contentType: 'text/html' },
    errors: [404],
    async handler({ caller, params, reply }) {
      const execution = reached(await access(caller).execution(params.id, executions));
      const evidence = await buildEvidence(execution, await accountOf(execution), { executions, journal });
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(evidencePage(evidence));
    },
  });

  async function accountOf(execution: Execution) {
    const account = await accounts.get(execution.accountId);
    if (!account) throw notFound();
    return account;
  }

  async function tree(execution: Execution): Promise<z.input<typeof executionTreeSchema>> {
    const children = await executions.children(execution.id);
    return {
      ...executionView(execution),
      children: (await Promise.all(children.map(tree))) as z.input<typeof executionTreeSchema>['children'],
    };
  }
}
