// /accounts/:id/board and /accounts/:id/dossier: where an account stands (the readiness board as data) and its
// signed evidence dossier (ZIP), for the account's vendors and admins — what `motco dossier create` calls.
import { z } from 'zod';
import { Access } from '../auth/access.ts';
import { buildDossier } from '../dossier/build.ts';
import { t } from '../i18n/messages.ts';
import { readiness } from '../runner/readiness.ts';
import type { ApiDeps } from './index.ts';
import { ApiError, reached, type Router } from './route.ts';
import { idParams } from './schemas.ts';

const OWNERS = ['vendor', 'admin'] as const;

export function dossierRoutes(router: Router, deps: ApiDeps): void {
  const { accounts, executions, journal, config, pki } = deps;

  router.route({
    method: 'GET',
    url: '/accounts/:id/board',
    operationId: 'getAccountBoard',
    tag: 'Comptes',
    summary: 'Tableau de conformité : chaque test unitaire du catalogue avec sa dernière exécution pour ce compte',
    roles: OWNERS,
    params: idParams,
    answer: {
      status: 200,
      description: 'Tableau de conformité',
      schema: z.object({
        ok: z.number().int().describe('Tests unitaires dont la dernière exécution est OK'),
        total: z.number().int(),
        units: z.array(
          z.object({
            job: z.string(),
            title: z.string(),
            folder: z.string(),
            requirements: z.array(z.string()),
            status: z
              .enum(['ok', 'failed', 'running', 'never'])
              .describe('ok ; failed : terminée autrement qu’OK ; running : en cours ; never : jamais exécuté'),
            execution: z
              .object({ id: z.number().int(), verdict: z.string().nullable(), startedAt: z.number().int() })
              .nullable(),
          }),
        ),
        toReplay: z
          .array(z.string())
          .describe(
            'Ce que « Rejouer les KO » exécute : les tests non réussis et jamais exécutés, dans l’ordre du catalogue',
          ),
      }),
    },
    errors: [404],
    async handler({ caller, params }) {
      const account = reached(await new Access(caller, accounts).account(params.id));
      const board = await readiness(executions, account);
      return {
        ok: board.ok,
        total: board.total,
        units: board.lines.map((l) => ({
          job: l.job.id,
          title: l.job.title,
          folder: l.job.folder,
          requirements: l.job.requirements,
          status: l.status,
          execution: l.latest && { id: l.latest.id, verdict: l.latest.verdict, startedAt: l.latest.startedAt },
        })),
        toReplay: board.toReplay.map((j) => j.id),
      };
    },
  });

  router.route({
    method: 'POST',
    url: '/accounts/:id/dossier',
    operationId: 'createDossier',
    tag: 'Comptes',
    summary:
      'Dossier de preuves signé (ZIP) : manifest.json, sa signature CMS manifest.json.p7s, ' +
      'et les preuves de chaque exécution ; par défaut la dernière exécution terminée de chaque test unitaire',
    roles: OWNERS,
    params: idParams,
    body: z.strictObject({
      executions: z
        .array(z.number().int().positive())
        .max(1000)
        .optional()
        .describe('Les exécutions du compte à inclure (numéros)'),
    }),
    answer: { status: 200, description: 'Le dossier (ZIP)', contentType: 'application/zip' },
    errors: [400, 404],
    async handler({ caller, params, body, reply }) {
      const account = reached(await new Access(caller, accounts).account(params.id));
      const built = await buildDossier({ config, executions, journal, pki }, account, body.executions);
      if (!built.ok)
        throw new ApiError(
          400,
          'invalid',
          t('api.error.invalid'),
          built.errors.map((message) => ({ field: 'executions', message })),
        );
      return reply
        .code(200)
        .type('application/zip')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${built.dossier.fileName}"`)
        .header('x-motco-dossier', built.dossier.reference)
        .send(Buffer.from(built.dossier.zip));
    },
  });
}
