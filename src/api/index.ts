// The REST API under /api/v1: JSON, French messages, one module per resource, authentication by API token
// or session cookie, and its OpenAPI document at /api/v1/openapi.json.
import type { FastifyError } from 'fastify';
import type { Accounts } from '../accounts/accounts.ts';
import type { PlatformDirectory } from '../accounts/directory.ts';
import type { ProvisioningSchedule } from '../accounts/schedule.ts';
import type { Auth } from '../auth/index.ts';
import type { Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import type { Journal } from '../observe/journal.ts';
import type { TestPki } from '../pki/index.ts';
import type { Runner } from '../runner/runner.ts';
import type { ExecutionStore } from '../runner/store.ts';
import type { Logger } from '../util/log.ts';
import type { RouteRegistrar } from '../web/server.ts';
import { accountRoutes } from './accounts.ts';
import { dossierRoutes } from './dossier.ts';
import { executionRoutes } from './executions.ts';
import { jobRoutes } from './jobs.ts';
import { journalRoutes } from './journal.ts';
import { meRoute } from './me.ts';
import { API_PREFIX, openApiRoute } from './openapi.ts';
import { provisioningRoutes } from './provisioning.ts';
import { ApiError, Router } from './route.ts';
import { LogStreams } from './sse.ts';

export interface ApiDeps {
  config: Config;
  accounts: Accounts;
  directory: PlatformDirectory;
  auth: Auth;
  runner: Runner;
  executions: ExecutionStore;
  journal: Journal;
  schedule: ProvisioningSchedule;
  pki: Pick<TestPki, 'signEvidence'>;
  streams: LogStreams;
  log: Logger;
}

export function apiRoutes(deps: Omit<ApiDeps, 'streams'>): RouteRegistrar {
  return async (app) => {
    await app.register(
      async (scope) => {
        const streams = new LogStreams(deps.runner, deps.executions);
        // Live logs end before the server waits for its connections to close.
        scope.addHook('preClose', async () => streams.closeAll());
        const all: ApiDeps = { ...deps, streams };
        const router = new Router(scope, deps.auth, new URL(deps.config.publicUrl).origin);
        meRoute(router);
        accountRoutes(router, all);
        jobRoutes(router, all);
        executionRoutes(router, all);
        dossierRoutes(router, all);
        journalRoutes(router, all);
        provisioningRoutes(router, all);
        openApiRoute(router, deps.config);

        scope.setErrorHandler((error: FastifyError, request, reply) => {
          if (error instanceof ApiError) {
            if (error.status === 401) reply.header('www-authenticate', 'Bearer realm="motco"');
            return reply
              .code(error.status)
              .send({ error: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) });
          }
          const status = error.statusCode ?? 500;
          if (status >= 400 && status < 500) {
            const message =
              status === 413
                ? t('api.error.tooLarge')
                : status === 415
                  ? t('api.error.mediaType')
                  : t('api.error.badRequest');
            return reply.code(status).send({ error: 'bad_request', message });
          }
          deps.log.error('api: request failed', { method: request.method, url: request.url, error });
          return reply.code(500).send({ error: 'internal', message: t('api.error.internal') });
        });
        scope.setNotFoundHandler((_request, reply) =>
          reply.code(404).send({ error: 'not_found', message: t('api.error.noRoute') }),
        );
      },
      { prefix: API_PREFIX },
    );
  };
}
