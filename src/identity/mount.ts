// Mounts an oidc-provider (a Koa application) on the platform's Fastify server under its issuer's path.
// Fastify must not read the body (oidc-provider parses it itself), and the provider must see the path
// relative to its issuer with the full one in `originalUrl`, as Express-style mounting would give it.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';

/**
 * `current` gives the request handler of the provider in force; `aliases` maps extra paths (relative to the issuer)
 * onto the provider's own, e.g. PSC's discovery name.
 */
export async function mountProvider(
  app: FastifyInstance,
  issuer: string,
  current: () => ReturnType<Provider['callback']>,
  aliases: Record<string, string> = {},
): Promise<void> {
  const prefix = new URL(issuer).pathname.replace(/\/+$/, '');
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const handler = (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      // The issuer's own path, with or without a query, is the provider's root (oidc-provider's router fails on "?…").
      const rest = raw.url!.slice(prefix.length);
      const relative = rest.startsWith('/') ? rest : `/${rest}`;
      const [path = '', query] = relative.split(/\?(.*)/s);
      raw.url = aliases[path] !== undefined ? `${aliases[path]}${query !== undefined ? `?${query}` : ''}` : relative;
      // oidc-provider derives its mount path (and so every URL it writes) from originalUrl minus url.
      raw.originalUrl = prefix + raw.url;
      // The handler of the provider in force now: it is rebuilt when the signing keys change.
      void current()(raw, reply.raw);
    };
    scope.all(prefix, handler);
    scope.all(`${prefix}/*`, handler);
  });
}
