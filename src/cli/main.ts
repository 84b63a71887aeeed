// `motco` command line: dispatches to one module per command.
import { t } from '../i18n/messages.ts';
import type { CommandContext } from './context.ts';

type Command = (ctx: CommandContext) => Promise<number | void>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./start.ts')).start,
  endpoints: async () => (await import('./endpoints.ts')).endpoints,
  mailbox: async () => (await import('./mailbox.ts')).mailbox,
  journal: async () => (await import('./journal.ts')).journal,
  pki: async () => (await import('./pki.ts')).pki,
  jobs: async () => (await import('./jobs.ts')).jobs,
  run: async () => (await import('./run.ts')).run,
  psc: async () => (await import('./psc.ts')).psc,
  isc: async () => (await import('./isc.ts')).isc,
  org: async () => (await import('./org.ts')).org,
  user: async () => (await import('./user.ts')).user,
  token: async () => (await import('./token.ts')).token,
  account: async () => (await import('./account.ts')).account,
  lps: async () => (await import('./lps.ts')).lps,
  dossier: async () => (await import('./dossier.ts')).dossier,
};

export async function main(argv: string[]): Promise<number> {
  // Commands write keys, certificates and the database into the data folder: private by default.
  process.umask(0o077);
  const [name, ...args] = argv;
  const ctx: CommandContext = {
    args,
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
  };
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    ctx.out(t('cli.usage'));
    return name ? 0 : 1;
  }
  const load = COMMANDS[name];
  if (!load) {
    ctx.err(t('cli.unknownCommand', { command: name }));
    ctx.err(t('cli.usage'));
    return 1;
  }
  try {
    const code = await (await load())(ctx);
    return code ?? 0;
  } catch (error) {
    // Imported here rather than above: `motco --help` then loads neither the settings schema nor zod.
    const [{ UsageError }, { ConfigError }] = await Promise.all([
      import('./context.ts'),
      import('../config/config.ts'),
    ]);
    if (error instanceof UsageError || error instanceof ConfigError) {
      ctx.err(error.message);
      return 2;
    }
    ctx.err(t('cli.failed', { message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
