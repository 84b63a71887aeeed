// `motco org add|list`: the platform's vendor organisations (distinct from the ISC simulator's: ISC logins
// create them too, from the claims).
import { PlatformDirectoryError, PlatformDirectory } from '../accounts/directory.ts';
import { t } from '../i18n/messages.ts';
import { openStore } from '../store/store.ts';
import { configFrom, parse, UsageError, type CommandContext } from './context.ts';
import { printProblems } from './user.ts';

export async function org(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  if (action !== 'add' && action !== 'list')
    throw new UsageError(t('cli.unknownCommand', { command: `org ${action ?? ''}`.trim() }));
  const { values } = parse(
    rest,
    {
      'raison-sociale': { type: 'string' },
      immatriculation: { type: 'string' },
      telephone: { type: 'string' },
      adresse: { type: 'string' },
      json: { type: 'boolean' },
    },
    false,
  );
  const config = configFrom(values);
  const store = await openStore(config);
  try {
    const directory = new PlatformDirectory(store.db);
    if (action === 'list') {
      const list = await directory.organisations();
      if (values.json) ctx.out(JSON.stringify(list, null, 2));
      else for (const o of list) ctx.out(`${o.immatriculation}  ${o.raisonSociale}`);
      return 0;
    }
    try {
      const created = await directory.createOrganisation({
        raisonSociale: values['raison-sociale'],
        immatriculation: values.immatriculation,
        telephone: values.telephone,
        adresse: values.adresse,
      });
      ctx.out(
        values.json
          ? JSON.stringify(created)
          : t('cli.organisationCreated', { name: created.raisonSociale, immatriculation: created.immatriculation }),
      );
      return 0;
    } catch (error) {
      if (!(error instanceof PlatformDirectoryError)) throw error;
      return printProblems(ctx, error, {
        raisonSociale: '--raison-sociale',
        immatriculation: '--immatriculation',
        telephone: '--telephone',
        adresse: '--adresse',
      });
    }
  } finally {
    await store.close();
  }
}
