// `motco token create --user LOGIN | --reviewer NAME`: a new API token, printed once (only its hash is
// kept). --reviewer creates the agency reviewer NAME when it does not exist yet.
import { PlatformDirectoryError, PlatformDirectory } from '../accounts/directory.ts';
import { ApiTokens } from '../auth/index.ts';
import { t } from '../i18n/messages.ts';
import { openStore } from '../store/store.ts';
import { configFrom, parse, UsageError, type CommandContext } from './context.ts';
import { printProblems } from './user.ts';

export async function token(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  if (action !== 'create') throw new UsageError(t('cli.unknownCommand', { command: `token ${action ?? ''}`.trim() }));
  const { values } = parse(
    rest,
    { user: { type: 'string' }, reviewer: { type: 'string' }, label: { type: 'string' }, json: { type: 'boolean' } },
    false,
  );
  if (Boolean(values.user) === Boolean(values.reviewer)) throw new UsageError(t('cli.tokenWho'));
  const config = configFrom(values);
  const store = await openStore(config);
  try {
    const directory = new PlatformDirectory(store.db);
    const login = (values.user ?? values.reviewer)!;
    let holder = await directory.user(login);
    if (!holder && values.reviewer) {
      try {
        holder = await directory.createUser({ login, role: 'reviewer' });
      } catch (error) {
        if (!(error instanceof PlatformDirectoryError)) throw error;
        return printProblems(ctx, error, { login: '--reviewer' });
      }
    }
    if (!holder) {
      ctx.err(t('cli.unknownUser', { login }));
      return 1;
    }
    if (values.reviewer && holder.role !== 'reviewer') {
      ctx.err(t('cli.notReviewer', { login, role: holder.role }));
      return 2;
    }
    const secret = await new ApiTokens(store.db, directory).create(
      holder.id,
      values.label ?? `motco token create (${new Date().toISOString()})`,
    );
    if (values.json) ctx.out(JSON.stringify({ login: holder.login, role: holder.role, token: secret }));
    else {
      ctx.out(t('cli.tokenCreated', { login: holder.login, role: holder.role }));
      ctx.out(secret);
    }
    return 0;
  } finally {
    await store.close();
  }
}
