// The platform's HTTP server, listening in clear (ports.web) and, given a certificate, with TLS
// (ports.webTls). Each concern registers its own routes (PKI, autoconfig, pages, API); this module only
// creates, starts and stops the listeners.
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import Fastify, { type FastifyInstance, type FastifyServerFactoryHandler } from 'fastify';
import type { Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import { acceptProxyProtocol, trustedSources, type ProxyAccept } from '../net/proxy-accept.ts';
import type { Journal } from '../observe/journal.ts';
import type { Logger } from '../util/log.ts';
import { notFoundBody, page } from './html.ts';

export type RouteRegistrar = (app: FastifyInstance) => void | Promise<void>;

/** Certificate chain and key (PEM) of the HTTPS listener. */
export interface WebTls {
  keyPem: string;
  chainPem: string;
}

/** A route as registered: what the isolation test enumerates, so that a route added later is covered by itself. */
export interface RouteEntry {
  method: string;
  url: string;
}

export interface WebServer {
  app: FastifyInstance;
  url: string;
  routes: RouteEntry[];
  close(): Promise<void>;
}

export async function startWebServer(
  config: Config,
  log: Logger,
  registrars: RouteRegistrar[],
  tls?: WebTls,
  journal?: Journal,
): Promise<WebServer> {
  // One application behind both listeners: the HTTPS server hands its requests to Fastify's own handler,
  // so every route answers over http and https alike.
  let handler: FastifyServerFactoryHandler | undefined;
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    // Behind a reverse proxy, request.ip (pre-filled Adresse IP, pre-flight, journal) must be the client's.
    trustProxy: config.web.trustProxy.length > 0 ? config.web.trustProxy : false,
    serverFactory: (h) => {
      handler = h;
      return http.createServer(h);
    },
  });
  app.addHook('onResponse', async (request, reply) => {
    log.debug('http', {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ip: request.ip,
      scheme: request.protocol,
    });
  });
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  for (const register of registrars) await register(app);
  // Unknown pages: the same French page as every other "not found" (the API has its own JSON answer).
  app.setNotFoundHandler((_request, reply) =>
    reply
      .code(404)
      .type('text/html; charset=utf-8')
      .send(page({ title: t('site.notFound.title'), body: notFoundBody() })),
  );
  // Behind a TCP load balancer speaking the PROXY protocol: each connection's header is read before Node's
  // HTTP (or TLS) stack sees it, and request.ip is then the client's.
  const proxied = (server: http.Server): (() => void) =>
    config.proxyProtocol.web
      ? acceptProxyProtocol(server, {
          trusted: trustedSources(config.proxyProtocol.trustedSources),
          onRefused: (refusal) => refusedHeader(refusal, log, journal),
        })
      : () => {};
  const dropWaiting = proxied(app.server);
  await app.listen({ host: config.listenAddress, port: config.ports.web });
  const closePlain = async () => {
    dropWaiting();
    await app.close();
  };
  if (!tls) return { app, url: config.publicUrl, routes, close: closePlain };

  const secure = https.createServer({ key: tls.keyPem, cert: tls.chainPem, minVersion: 'TLSv1.2' }, handler);
  secure.on('tlsClientError', (error) => log.debug('https: handshake failed', { error }));
  const dropWaitingSecure = proxied(secure);
  try {
    secure.listen({ host: config.listenAddress, port: config.ports.webTls });
    await once(secure, 'listening');
  } catch (error) {
    await closePlain();
    throw error;
  }
  const closeSecure = () =>
    new Promise<void>((resolve) => {
      dropWaitingSecure();
      secure.close(() => resolve());
      secure.closeAllConnections();
    });
  return {
    app,
    url: config.publicUrl,
    routes,
    close: async () => void (await Promise.all([closeSecure(), closePlain()])),
  };
}

/** A connection from a trusted balancer without a proper PROXY header: already closed; logged and journaled. */
function refusedHeader(refusal: Extract<ProxyAccept, { ok: false }>, log: Logger, journal: Journal | undefined): void {
  log.warn('PROXY header refused', {
    protocol: 'http',
    from: refusal.address,
    reason: refusal.reason,
    detail: refusal.detail,
  });
  void journal
    ?.record({
      kind: 'session.refused',
      protocol: 'http',
      clientIp: refusal.address,
      clientPort: refusal.port,
      data: {
        proxyHeader: refusal.reason,
        detail: refusal.detail,
        localAddress: refusal.localAddress,
        localPort: refusal.localPort,
      },
    })
    .catch((error: unknown) => log.error('journal write failed', { kind: 'session.refused', error }));
}
