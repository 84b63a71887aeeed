// /jobs: the test catalogue (folders, unit jobs, the five global jobs, the campaign), each unit job's
// "Attendus" written for this deployment and, given an account, for its mailboxes; and per-job statistics.
import { z } from 'zod';
import { expectations } from '../catalogue/expectations.ts';
import { CAMPAIGN_ORDER, findFolder, findJob, FOLDERS } from '../catalogue/jobs.ts';
import { toRunnerAccount } from '../accounts/accounts.ts';
import { Access } from '../auth/access.ts';
import type { ApiDeps } from './index.ts';
import { notFound, reached, type Router } from './route.ts';

const unitJobSchema = z.object({
  id: z.string(),
  title: z.string(),
  folder: z.string(),
  kind: z.string().describe('Règle de verdict (catalogue)'),
  bal: z.enum(['PSC', 'AUTH_CLI']),
  protocol: z.enum(['imap', 'smtp']),
  endpoint: z.string().describe('Point d’accès attendu'),
  requirements: z.array(z.string()),
  ipRequired: z.boolean().describe('L’adresse IP est obligatoire'),
});

const folderSchema = z.object({
  id: z.string(),
  description: z.string(),
  global: z.boolean().describe('Lançable comme job global (référencement Ségur)'),
  jobs: z.array(unitJobSchema),
});

const attendusSchema = z.object({
  prerequisites: z.array(z.string()),
  preparation: z.object({ lps: z.array(z.string()), runner: z.array(z.string()) }),
  test: z.array(z.string()),
  instruction: z.string(),
});

const jobParams = z.strictObject({ id: z.string().describe('Test unitaire, dossier ou « campaign »') });

export function jobRoutes(router: Router, deps: ApiDeps): void {
  const { config, accounts, executions } = deps;

  router.route({
    method: 'GET',
    url: '/jobs',
    operationId: 'listJobs',
    tag: 'Travaux',
    summary: 'Le catalogue : dossiers, tests unitaires, jobs globaux, ordre de la campagne et bornes des options',
    roles: ['vendor', 'reviewer', 'admin'],
    answer: {
      status: 200,
      description: 'Catalogue',
      schema: z.object({
        folders: z.array(folderSchema),
        campaign: z.array(z.string()).describe('Ordre des jobs globaux de la campagne'),
        options: z.object({
          delai: z.object({ min: z.number().int(), max: z.number().int(), default: z.number().int() }),
        }),
      }),
    },
    async handler() {
      return {
        folders: FOLDERS.map((f) => ({ id: f.id, description: f.description, global: f.global, jobs: f.jobs })),
        campaign: [...CAMPAIGN_ORDER],
        options: {
          delai: {
            min: config.runner.delaiMinSeconds,
            max: config.runner.delaiMaxSeconds,
            default: config.runner.delaiDefaultSeconds,
          },
        },
      };
    },
  });

  router.route({
    method: 'GET',
    url: '/jobs/:id',
    operationId: 'getJob',
    tag: 'Travaux',
    summary: 'Un test unitaire et ses Attendus (pour un compte avec ?account=), ou un dossier',
    roles: ['vendor', 'reviewer', 'admin'],
    params: jobParams,
    query: z.strictObject({
      account: z.coerce.number().int().positive().optional().describe('Attendus écrits pour les BAL de ce compte'),
    }),
    answer: {
      status: 200,
      description: 'Travail',
      schema: z.object({
        job: unitJobSchema.nullable(),
        folder: folderSchema.nullable(),
        attendus: attendusSchema.nullable(),
      }),
    },
    errors: [404],
    async handler({ caller, params, query }) {
      const account =
        query.account === undefined
          ? undefined
          : toRunnerAccount(reached(await new Access(caller, accounts).account(query.account)));
      const job = findJob(params.id);
      if (job) return { job, folder: null, attendus: expectations(job, { config, account }) };
      const folder = findFolder(params.id);
      if (!folder) throw notFound();
      return {
        job: null,
        folder: { id: folder.id, description: folder.description, global: folder.global, jobs: folder.jobs },
        attendus: null,
      };
    },
  });

  router.route({
    method: 'GET',
    url: '/jobs/:id/stats',
    operationId: 'getJobStats',
    tag: 'Travaux',
    summary: 'Statistiques d’un travail sur les comptes de l’appelant : exécutions, taux de réussite, durée moyenne',
    roles: ['vendor', 'admin'],
    params: jobParams,
    answer: {
      status: 200,
      description: 'Statistiques',
      schema: z.object({
        executions: z.number().int(),
        successRate: z.number().describe('Entre 0 et 1'),
        meanDurationMs: z.number().int(),
      }),
    },
    errors: [404],
    async handler({ caller, params }) {
      if (params.id !== 'campaign' && !findJob(params.id) && !findFolder(params.id)) throw notFound();
      const accountIds = await new Access(caller, accounts).accountIds();
      return executions.stats(params.id, accountIds);
    },
  });
}
