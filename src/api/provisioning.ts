// /provisioning: the operator's view of the batch that creates accounts' mailboxes and certificates, and
// its "run now".
import { z } from 'zod';
import type { ApiDeps } from './index.ts';
import type { Router } from './route.ts';
import { accountSchema } from './schemas.ts';

export function provisioningRoutes(router: Router, deps: ApiDeps): void {
  const { config, accounts, schedule } = deps;

  router.route({
    method: 'GET',
    url: '/provisioning',
    operationId: 'getProvisioning',
    tag: 'Administration',
    summary: 'Mode du traitement de création (immédiat ou nocturne), prochaine exécution et comptes en attente',
    roles: ['admin'],
    answer: {
      status: 200,
      description: 'Traitement de création',
      schema: z.object({
        mode: z.enum(['immediate', 'nightly']),
        nightlyAt: z.string(),
        nextRunAt: z.number().int().nullable(),
        waiting: z.array(z.number().int()).describe('Comptes en attente'),
      }),
    },
    async handler() {
      return {
        mode: config.accounts.provisioning,
        nightlyAt: config.accounts.nightlyAt,
        nextRunAt: schedule.nextRun()?.getTime() ?? null,
        waiting: await accounts.provisioning.waiting(),
      };
    },
  });

  router.route({
    method: 'POST',
    url: '/provisioning/run',
    operationId: 'runProvisioning',
    tag: 'Administration',
    summary: 'Exécute maintenant le traitement de création sur tous les comptes en attente',
    roles: ['admin'],
    answer: {
      status: 200,
      description: 'Résultat du traitement',
      schema: z.object({
        provisioned: z.array(accountSchema).describe('Comptes créés ou mis à jour'),
        failed: z.array(z.object({ id: z.number().int(), nil: z.string(), message: z.string() })),
      }),
    },
    async handler() {
      const report = await accounts.runBatch();
      const provisioned = await Promise.all(report.provisioned.map((id) => accounts.get(id)));
      // Mailbox passwords are for the accounts' vendors only.
      return {
        provisioned: provisioned.filter((a) => a !== undefined).map((a) => ({ ...a, passwords: null })),
        failed: report.failed,
      };
    },
  });
}
