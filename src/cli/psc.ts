// `motco psc identity add|list`, `motco psc token`, `motco psc keys rotate`: the PSC sandbox from the command
// line. Identities and keys are written to the store (a running platform uses them at once, keys after
// their publication lead); `token` goes through the running platform's HTTP endpoints (CIBA, auto-approved
// for the platform's own client: the local operator may use any identity). `--org` gives an identity to an
// organisation; without it, it is the operator's until an account names it.
import { PlatformDirectory } from '../accounts/directory.ts';
import { t } from '../i18n/messages.ts';
import { dateTime } from '../i18n/time.ts';
import { identityDb } from '../identity/db.ts';
import { issuers, pscToolsClient } from '../identity/issuers.ts';
import { SigningKeys } from '../identity/keys.ts';
import { PscTokens } from '../identity/psc-token.ts';
import { IdentityError, problemMessages, PscIdentities } from '../identity/psc/identities.ts';
import { openStore } from '../store/store.ts';
import { configFrom, parse, UsageError, type CommandContext } from './context.ts';

export async function psc(ctx: CommandContext): Promise<number> {
  const [subcommand, action, ...rest] = ctx.args;
  if (subcommand === 'identity' && (action === 'add' || action === 'list')) return identity(ctx, action, rest);
  if (subcommand === 'token') return token(ctx, action === undefined ? [] : [action, ...rest]);
  if (subcommand === 'keys' && action === 'rotate') return rotate(ctx, rest);
  throw new UsageError(
    t('cli.unknownCommand', { command: `psc ${[subcommand, action].filter(Boolean).join(' ')}`.trim() }),
  );
}

async function identity(ctx: CommandContext, action: 'add' | 'list', args: string[]): Promise<number> {
  const { values } = parse(
    args,
    {
      idnat: { type: 'string' },
      given: { type: 'string' },
      family: { type: 'string' },
      civilite: { type: 'string' },
      profession: { type: 'string' },
      org: { type: 'string' },
      json: { type: 'boolean' },
    },
    false,
  );
  const store = await openStore(configFrom(values));
  try {
    const identities = new PscIdentities(identityDb(store.db));
    const directory = new PlatformDirectory(store.db);
    const organisation = values.org ? await directory.organisation(values.org) : undefined;
    if (values.org && !organisation) {
      ctx.err(`--org : ${t('isc.problem.organisation_unknown')}`);
      return 2;
    }
    if (action === 'list') {
      const list = await identities.list(organisation ? { organisationId: organisation.id } : 'all');
      const names = new Map((await directory.organisations()).map((g) => [g.id, g.raisonSociale]));
      if (values.json) ctx.out(JSON.stringify(list, null, 2));
      else
        for (const i of list)
          ctx.out(
            `${i.idnat}  ${[i.civilite, i.givenName, i.familyName].filter(Boolean).join(' ')}  ` +
              `${i.organisationId === null ? '—' : (names.get(i.organisationId) ?? '')}`,
          );
      return 0;
    }
    try {
      const created = await identities.create(
        {
          idnat: values.idnat,
          givenName: values.given,
          familyName: values.family,
          civilite: values.civilite,
          profession: values.profession,
        },
        { organisationId: organisation?.id ?? null },
      );
      ctx.out(
        values.json
          ? JSON.stringify(created)
          : t('cli.pscIdentityCreated', { idnat: created.idnat, name: `${created.givenName} ${created.familyName}` }),
      );
      return 0;
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      const flags: Record<string, string> = {
        idnat: '--idnat',
        givenName: '--given',
        familyName: '--family',
        civilite: '--civilite',
        profession: '--profession',
      };
      for (const [field, message] of Object.entries(problemMessages(error)))
        ctx.err(`${flags[field]}\u00a0: ${message}`);
      return Object.values(error.problems).every((p) => p === 'idnat_exists') ? 3 : 2;
    }
  } finally {
    await store.close();
  }
}

async function token(ctx: CommandContext, args: string[]): Promise<number> {
  const { values } = parse(
    args,
    { idnat: { type: 'string' }, binding: { type: 'string' }, json: { type: 'boolean' } },
    false,
  );
  if (!values.idnat) throw new UsageError(t('cli.missingArgument', { name: '--idnat' }));
  const config = configFrom(values);
  const { psc: urls } = issuers(config);
  let credentials = { clientId: config.psc.clientId, clientSecret: config.psc.clientSecret };
  if (config.psc.mode === 'simulated') {
    const store = await openStore(config);
    try {
      const own = await pscToolsClient(store.db);
      if (!own) {
        ctx.err(t('cli.pscNotStarted'));
        return 1;
      }
      credentials = own;
    } finally {
      await store.close();
    }
  }
  let tokens: PscTokens;
  try {
    tokens = await PscTokens.obtain({
      discoveryUrl: urls.discoveryUrl,
      ...credentials,
      idnat: values.idnat,
      ...(values.binding ? { bindingMessage: values.binding } : {}),
      onPending: (binding) => ctx.err(t('cli.pscTokenWaiting', { idnat: values.idnat!, binding })),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (error instanceof TypeError && (cause?.code === 'ECONNREFUSED' || /fetch failed/.test(error.message))) {
      ctx.err(t('cli.pscUnreachable', { url: urls.discoveryUrl, message: cause?.code ?? error.message }));
      return 1;
    }
    ctx.err(t('cli.tokenFailed', { message: (error as Error).message }));
    return 1;
  }
  ctx.out(
    values.json
      ? JSON.stringify({
          access_token: tokens.accessToken,
          refresh_token: tokens.refreshToken,
          id_token: tokens.idToken,
          expires_at: tokens.expiresAt,
          token_type: 'Bearer',
        })
      : tokens.accessToken,
  );
  return 0;
}

async function rotate(ctx: CommandContext, args: string[]): Promise<number> {
  const { values } = parse(args, {}, false);
  const store = await openStore(configFrom(values));
  try {
    const key = await new SigningKeys(identityDb(store.db), 'psc').rotate();
    ctx.out(t('cli.pscKeyRotated', { kid: key.kid, date: dateTime(key.activatesAt) }));
    return 0;
  } finally {
    await store.close();
  }
}
