// /journal: the caller's own observations — every fact of the sessions on which one of its mailboxes (current
// or former) authenticated. A vendor never sees another vendor's facts, nor unattributed ones; an admin
// reads the whole journal.
import { z } from 'zod';
import { t } from '../i18n/messages.ts';
import type { ObservationFilter, ObservationKind } from '../observe/journal.ts';
import type { ApiDeps } from './index.ts';
import type { Router } from './route.ts';
import { observationSchema } from './schemas.ts';

/** An ISO 8601 date or milliseconds since the epoch. */
const instant = z
  .string()
  .describe('Date ISO 8601 ou millisecondes depuis le 1er janvier 1970')
  .transform((text, ctx) => {
    const at = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
    if (Number.isNaN(at)) ctx.addIssue({ code: 'custom', message: t('api.error.instant', { value: text }) });
    return at;
  });

export function journalRoutes(router: Router, deps: ApiDeps): void {
  const { accounts, journal } = deps;
  router.route({
    method: 'GET',
    url: '/journal',
    operationId: 'getJournal',
    tag: 'Journal',
    summary:
      'Observations des sessions authentifiées sur les BAL de l’appelant (toutes pour un administrateur), ' +
      'les plus anciennes d’abord',
    roles: ['vendor', 'admin'],
    query: z.strictObject({
      since: instant.optional(),
      until: instant.optional(),
      kind: z
        .union([z.string(), z.array(z.string())])
        .optional()
        .describe('Type(s) d’observation, par exemple auth ou tls.client_hello'),
      after: z.coerce
        .number()
        .int()
        .min(0)
        .optional()
        .describe('Observations d’identifiant supérieur (page suivante : « next »)'),
      limit: z.coerce.number().int().min(1).max(1000).optional(),
    }),
    answer: {
      status: 200,
      description: 'Observations',
      schema: z.object({
        observations: z.array(observationSchema),
        next: z.number().int().nullable().describe('Valeur de « after » pour la page suivante, s’il y en a une'),
      }),
    },
    async handler({ caller, query }) {
      const limit = query.limit ?? 200;
      const filter: ObservationFilter = { limit };
      if (query.since !== undefined) filter.since = query.since;
      if (query.until !== undefined) filter.until = query.until;
      if (query.kind !== undefined) filter.kind = [query.kind].flat() as ObservationKind[];
      if (query.after !== undefined) filter.afterId = query.after;
      if (caller.user.role !== 'admin') {
        const organisation = caller.user.organisation;
        filter.mailbox = organisation ? await accounts.mailboxesOf(organisation.id) : [];
      }
      const found = await journal.query(filter);
      return { observations: found, next: found.length === limit ? found.at(-1)!.id : null };
    },
  });
}
