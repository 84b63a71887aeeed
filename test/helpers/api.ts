// Calls the REST API over real HTTP, and sets up the people a test needs (an organisation, a vendor, an
// agency reviewer) with real tokens.
import type { Platform } from '../../src/platform.ts';

export interface ApiAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export type Api = <T = any>(
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<ApiAnswer<T>>;

/** A caller of /api/v1 with a bearer token or a session cookie (or neither). */
export function apiAs(platform: Platform, credentials: { token?: string; cookie?: string } = {}): Api {
  return async (method, path, body, headers = {}) => {
    const response = await fetch(`${platform.config.publicUrl}/api/v1${path}`, {
      method,
      headers: {
        ...(credentials.token ? { authorization: `Bearer ${credentials.token}` } : {}),
        ...(credentials.cookie ? { cookie: credentials.cookie } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('application/json');
    return { status: response.status, headers: response.headers, body: json && text ? JSON.parse(text) : text };
  };
}

/** An organisation and one of its vendors, with an API token. */
export async function vendor(
  platform: Platform,
  o: { login: string; immatriculation: string; raisonSociale?: string },
) {
  const organisation = await platform.users.createOrganisation({
    raisonSociale: o.raisonSociale ?? `Éditeur ${o.login}`,
    immatriculation: o.immatriculation,
  });
  const user = await platform.users.createUser({
    login: o.login,
    role: 'vendor',
    organisation: o.immatriculation,
    givenName: 'Test',
    familyName: o.login,
  });
  const token = await platform.auth.tokens.create(user.id, 'test');
  return { organisation, user, token, api: apiAs(platform, { token }) };
}

/** A user of another role, with an API token. */
export async function staff(platform: Platform, login: string, role: 'reviewer' | 'admin') {
  const user = await platform.users.createUser({ login, role });
  const token = await platform.auth.tokens.create(user.id, 'test');
  return { user, token, api: apiAs(platform, { token }) };
}
