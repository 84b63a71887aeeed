// /accounts: a vendor's product accounts (manual §2.2.2–2.2.3): list, create, read, modify, the ORG_AUTH_CLI
// certificate to install in the LPS, and the renewal of a mailbox's test password. The passwords are in the
// account's view for its vendors only (an administrator sees null); no answer names a file on the server.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { AccountResult, Accounts, ProductAccount } from '../accounts/accounts.ts';
import { Access } from '../auth/access.ts';
import type { Caller } from '../auth/index.ts';
import { t } from '../i18n/messages.ts';
import type { ApiDeps } from './index.ts';
import { ApiError, notFound, reached, type Router } from './route.ts';
import { accountInputSchema, accountSchema, idParams } from './schemas.ts';

const OWNERS = ['vendor', 'admin'] as const;

export function accountRoutes(router: Router, deps: ApiDeps): void {
  const { accounts, directory } = deps;
  const view = (caller: Caller, account: ProductAccount) => accountView(accounts, caller, account);
  const answer = async (caller: Caller, result: AccountResult) => {
    if (!result.ok) throw new ApiError(400, 'invalid', t('api.error.invalid'), result.errors);
    return view(caller, result.account);
  };

  router.route({
    method: 'GET',
    url: '/accounts',
    operationId: 'listAccounts',
    tag: 'Comptes',
    summary: 'Liste les comptes de l’organisation de l’appelant (tous pour un administrateur)',
    roles: OWNERS,
    query: z.strictObject({
      organisation: z.string().optional().describe('Administrateur : immatriculation d’une organisation'),
    }),
    answer: { status: 200, description: 'Comptes', schema: z.object({ accounts: z.array(accountSchema) }) },
    async handler({ caller, query }) {
      const { user } = caller;
      const shown = async (list: ProductAccount[]) => ({
        accounts: await Promise.all(list.map((a) => view(caller, a))),
      });
      if (user.role === 'admin') {
        if (!query.organisation) return shown(await accounts.list());
        const organisation = await directory.organisation(query.organisation);
        return shown(organisation ? await accounts.list({ organisationId: organisation.id }) : []);
      }
      return shown(user.organisation ? await accounts.list({ organisationId: user.organisation.id }) : []);
    },
  });

  router.route({
    method: 'POST',
    url: '/accounts',
    operationId: 'createAccount',
    tag: 'Comptes',
    summary:
      'Crée un compte (NIL, identifiant national PSC et/ou AUTH_CLI) ; ses BAL et son certificat sont créés par le ' +
      'traitement de création',
    roles: OWNERS,
    body: accountInputSchema.extend({
      organisation: z.string().optional().describe('Administrateur : immatriculation de l’organisation du compte'),
    }),
    answer: {
      status: 201,
      description: 'Compte créé (statut « En cours de création », ou « Disponible » en mode immédiat)',
      schema: accountSchema,
    },
    errors: [400],
    async handler({ caller, body }) {
      const { user } = caller;
      let organisationId = user.organisation?.id;
      if (user.role === 'admin' || body.organisation !== undefined || organisationId === undefined) {
        const organisation = body.organisation ? await directory.organisation(body.organisation) : undefined;
        const mine = user.role === 'admin' || (organisation !== undefined && organisation.id === user.organisation?.id);
        if (!organisation || !mine) {
          const message = t(
            !body.organisation
              ? 'api.error.organisationRequired'
              : mine
                ? 'isc.problem.organisation_unknown'
                : 'api.error.organisationNotYours',
          );
          throw new ApiError(400, 'invalid', t('api.error.invalid'), [{ field: 'organisation', message }]);
        }
        organisationId = organisation.id;
      }
      return answer(caller, await accounts.create(input(body), { organisationId, by: user.login }));
    },
  });

  router.route({
    method: 'GET',
    url: '/accounts/:id',
    operationId: 'getAccount',
    tag: 'Comptes',
    summary: 'Un compte, ses BAL, son adresse patient et son certificat',
    roles: OWNERS,
    params: idParams,
    answer: { status: 200, description: 'Compte', schema: accountSchema },
    errors: [404],
    async handler({ caller, params }) {
      return view(caller, reached(await new Access(caller, accounts).account(params.id)));
    },
  });

  router.route({
    method: 'PUT',
    url: '/accounts/:id',
    operationId: 'modifyAccount',
    tag: 'Comptes',
    summary:
      'Modifie un compte (mêmes règles qu’à la création) ; il est indisponible jusqu’au traitement, ' +
      'qui garde les anciennes BAL et leur courrier',
    roles: OWNERS,
    params: idParams,
    body: accountInputSchema,
    answer: { status: 200, description: 'Compte, avec la modification en attente ou appliquée', schema: accountSchema },
    errors: [400, 404],
    async handler({ caller, params, body }) {
      reached(await new Access(caller, accounts).account(params.id));
      const result = await accounts.modify(params.id, input(body), caller.user.login);
      if (!result) throw notFound();
      return answer(caller, result);
    },
  });

  router.route({
    method: 'POST',
    url: '/accounts/:id/mailboxes/:role/password',
    operationId: 'renewMailboxPassword',
    tag: 'Comptes',
    summary:
      'Tire un nouveau mot de passe de test pour une BAL actuelle du compte ; ' +
      'l’ancien ne l’ouvre plus (les sessions ouvertes se poursuivent)',
    roles: ['vendor'],
    params: idParams.extend({
      role: z.enum(['personal', 'applicative', 'patient']).describe('La BAL : personnelle, applicative ou patient'),
    }),
    answer: { status: 200, description: 'Compte, avec le nouveau mot de passe', schema: accountSchema },
    errors: [404],
    async handler({ caller, params }) {
      const account = reached(await new Access(caller, accounts).account(params.id));
      if (!(await accounts.renewPassword(account, params.role, caller.user.login))) throw notFound();
      return view(caller, account);
    },
  });

  router.route({
    method: 'GET',
    url: '/accounts/:id/certificate.p12',
    operationId: 'getAccountCertificate',
    tag: 'Comptes',
    summary:
      'Le certificat ORG_AUTH_CLI de test du compte (PKCS#12 ; mot de passe : certificate.pkcs12Password du compte)',
    roles: OWNERS,
    params: idParams,
    answer: { status: 200, description: 'Fichier PKCS#12', contentType: 'application/x-pkcs12' },
    errors: [404],
    async handler({ caller, params, reply }) {
      const account = reached(await new Access(caller, accounts).account(params.id));
      if (!account.certificate) throw notFound();
      return reply
        .type('application/x-pkcs12')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${account.certificate.idnat}.p12"`)
        .send(await readFile(account.certificate.files.pkcs12));
    },
  });
}

function input(body: z.output<typeof accountInputSchema>) {
  return { nil: body.nil, idnatPsc: body.idnatPsc ?? undefined, idnatAuthCli: body.idnatAuthCli ?? undefined };
}

/** The account as the API shows it: with its mailboxes' passwords when the caller is one of its vendors. */
async function accountView(accounts: Accounts, caller: Caller, account: ProductAccount) {
  const owner = caller.user.role === 'vendor' && caller.user.organisation?.id === account.organisation.id;
  return { ...account, passwords: owner ? await accounts.passwords(account) : null };
}
