// `motco user add|list`: the platform's users — vendors of an organisation, agency reviewers, operators
// (admins). Distinct from the ISC simulator's users, who only exist to log in at the simulated ISC.
import { PlatformDirectoryError, PlatformDirectory, type PlatformUser } from '../accounts/directory.ts';
import { t } from '../i18n/messages.ts';
import { openStore } from '../store/store.ts';
import { configFrom, parse, UsageError, type CommandContext } from './context.ts';

export async function user(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  if (action !== 'add' && action !== 'list')
    throw new UsageError(t('cli.unknownCommand', { command: `user ${action ?? ''}`.trim() }));
  const { values } = parse(
    rest,
    {
      login: { type: 'string' },
      role: { type: 'string' },
      org: { type: 'string' },
      given: { type: 'string' },
      family: { type: 'string' },
      email: { type: 'string' },
      civilite: { type: 'string' },
      json: { type: 'boolean' },
    },
    false,
  );
  const config = configFrom(values);
  const store = await openStore(config);
  try {
    const directory = new PlatformDirectory(store.db);
    if (action === 'list') {
      const list = await directory.users();
      if (values.json) ctx.out(JSON.stringify(list, null, 2));
      else for (const u of list) ctx.out(userLine(u));
      return 0;
    }
    try {
      const created = await directory.createUser({
        login: values.login,
        role: values.role,
        organisation: values.org,
        givenName: values.given,
        familyName: values.family,
        email: values.email,
        civilite: values.civilite,
      });
      ctx.out(values.json ? JSON.stringify(created) : t('cli.userCreated', { line: userLine(created) }));
      return 0;
    } catch (error) {
      if (!(error instanceof PlatformDirectoryError)) throw error;
      return printProblems(ctx, error, {
        login: '--login',
        role: '--role',
        organisation: '--org',
        civilite: '--civilite',
        email: '--email',
      });
    }
  } finally {
    await store.close();
  }
}

function userLine(u: PlatformUser): string {
  const name = [u.givenName, u.familyName].filter(Boolean).join(' ');
  const organisation = u.organisation ? `  ${u.organisation.raisonSociale} (${u.organisation.immatriculation})` : '';
  return `${u.login}  ${u.role}${name ? `  ${name}` : ''}${organisation}`;
}

/** One line per invalid flag; exit 3 when the only problem is that it exists already. */
export function printProblems(
  ctx: CommandContext,
  error: PlatformDirectoryError,
  flags: Record<string, string>,
): number {
  for (const [field, message] of Object.entries(error.problems)) ctx.err(`${flags[field] ?? field}\u00a0: ${message}`);
  const exists = [t('isc.problem.immatriculation_exists'), t('isc.problem.login_exists')];
  return Object.values(error.problems).every((m) => exists.includes(m)) ? 3 : 2;
}
