// /me: who the caller is, and what its role lets it do.
import { z } from 'zod';
import type { Router } from './route.ts';

export function meRoute(router: Router): void {
  router.route({
    method: 'GET',
    url: '/me',
    operationId: 'getMe',
    tag: 'Session',
    summary: 'L’utilisateur authentifié, son rôle et son organisation',
    roles: ['vendor', 'reviewer', 'admin'],
    answer: {
      status: 200,
      description: 'Utilisateur',
      schema: z.object({
        login: z.string(),
        role: z.enum(['vendor', 'reviewer', 'admin']),
        givenName: z.string().nullable(),
        familyName: z.string().nullable(),
        organisation: z.object({ raisonSociale: z.string(), immatriculation: z.string() }).nullable(),
        via: z.enum(['token', 'session']),
      }),
    },
    async handler({ caller }) {
      return { ...caller.user, via: caller.via };
    },
  });
}
