// The platform's HTTP server. Each concern registers its own routes (PKI now; pages, API and autoconfig
// later); this module only creates, starts and stops the server.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config/config.ts';
import type { Logger } from '../util/log.ts';

export type RouteRegistrar = (app: FastifyInstance) => void | Promise<void>;

export interface WebServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export async function startWebServer(config: Config, log: Logger, registrars: RouteRegistrar[]): Promise<WebServer> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.addHook('onResponse', async (request, reply) => {
    log.debug('http', { method: request.method, url: request.url, status: reply.statusCode, ip: request.ip });
  });
  for (const register of registrars) await register(app);
  await app.listen({ host: config.listenAddress, port: config.ports.web });
  return { app, url: config.publicUrl, close: () => app.close() };
}
