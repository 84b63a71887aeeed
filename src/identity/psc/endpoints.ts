// Userinfo and introspection of the PSC simulator. oidc-provider refuses JWT access tokens at both (its
// userinfo wants audience-less tokens, its introspection finds only opaque ones), so these endpoints check
// the JWT themselves (signature with the provider's keys, issuer, lifetime, and that the token is still
// stored: revocation and logout delete it) and answer as Keycloak does, including `typ` (Bearer / Refresh).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jwtVerify, type JWTPayload } from 'jose';
import { sameSecret } from '../../auth/secret.ts';
import type { IdentityDb } from '../db.ts';
import { KEYCLOAK_ROUTES, type ProviderHolder } from '../oidc.ts';
import { formOf } from '../../web/forms.ts';
import { pscClaims, type PscIdentities } from './identities.ts';
import { accessTokenLive } from './provider.ts';

export interface EndpointOptions {
  issuer: string;
  db: IdentityDb;
  holder: ProviderHolder;
  identities: PscIdentities;
}

export function registerTokenEndpoints(scope: FastifyInstance, o: EndpointOptions): void {
  const prefix = new URL(o.issuer).pathname.replace(/\/+$/, '');
  /** The payload of a live access token issued by us, or undefined. */
  const liveAccessToken = async (token: string): Promise<(JWTPayload & Record<string, unknown>) | undefined> => {
    try {
      const { payload } = await jwtVerify(token, o.holder.publicKeys, {
        issuer: o.issuer,
        typ: 'at+jwt',
        clockTolerance: 5,
      });
      return payload.jti && (await accessTokenLive(o.db, payload.jti))
        ? (payload as JWTPayload & Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  };

  const userinfo = async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? formOf(request).access_token;
    const payload = token ? await liveAccessToken(token) : undefined;
    const identity = payload?.sub ? await o.identities.find(payload.sub) : undefined;
    if (
      !payload ||
      !identity ||
      !String(payload.scope ?? '')
        .split(' ')
        .includes('openid')
    ) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer error="invalid_token"')
        .header('cache-control', 'no-store')
        .send({ error: 'invalid_token' });
    }
    return reply.header('cache-control', 'no-store').send({ sub: payload.sub, ...pscClaims(identity) });
  };
  scope.get(`${prefix}${KEYCLOAK_ROUTES.userinfo}`, userinfo);
  scope.post(`${prefix}${KEYCLOAK_ROUTES.userinfo}`, userinfo);

  scope.post(`${prefix}${KEYCLOAK_ROUTES.introspection}`, async (request, reply) => {
    const form = formOf(request);
    reply.header('cache-control', 'no-store');
    if (!(await authenticatedClient(o.holder, request, form))) {
      return reply.code(401).header('www-authenticate', 'Basic realm="psc"').send({ error: 'invalid_client' });
    }
    const token = form.token ?? '';
    if (token.split('.').length === 3) {
      const payload = await liveAccessToken(token);
      return payload
        ? { ...payload, active: true, token_type: 'Bearer', client_id: payload.client_id }
        : { active: false };
    }
    const provider = o.holder.provider;
    const refresh = await provider.RefreshToken.find(token);
    if (!refresh?.isValid || !refresh.grantId || !(await provider.Grant.find(refresh.grantId)))
      return { active: false };
    return {
      active: true,
      typ: 'Refresh',
      client_id: refresh.clientId,
      sub: refresh.accountId,
      scope: refresh.scope,
      iat: refresh.iat,
      exp: refresh.exp,
      iss: o.issuer,
      sid: refresh.sid,
    };
  });
}

/** client_secret_basic or client_secret_post, against the provider's registered clients. */
async function authenticatedClient(
  holder: ProviderHolder,
  request: FastifyRequest,
  form: Record<string, string>,
): Promise<boolean> {
  let id = form.client_id;
  let secret = form.client_secret;
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
  }
  if (!id || !secret) return false;
  const client = await holder.provider.Client.find(id);
  if (!client?.clientSecret) return false;
  return sameSecret(secret, client.clientSecret);
}
