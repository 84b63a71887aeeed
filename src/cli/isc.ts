// `motco isc org add|list`, `motco isc user add|list`, `motco isc admin-password`: vendor organisations and
// users of the ISC simulator, written to the store (a running platform uses them at once).
import { t } from '../i18n/messages.ts';
import { identityDb } from '../identity/db.ts';
import { ISC_ADMIN_PASSWORD } from '../identity/issuers.ts';
import { IscDirectoryError, IscDirectory } from '../identity/isc/directory.ts';
import { Secrets } from '../identity/secrets.ts';
import { openStore } from '../store/store.ts';
import { configFrom, parse, UsageError, type CommandContext } from './context.ts';

const OPTIONS = {
  'raison-sociale': { type: 'string' },
  immatriculation: { type: 'string' },
  telephone: { type: 'string' },
  adresse: { type: 'string' },
  org: { type: 'string' },
  login: { type: 'string' },
  password: { type: 'string' },
  email: { type: 'string' },
  civilite: { type: 'string' },
  given: { type: 'string' },
  family: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The flag each directory field comes from, to word errors in the user's terms. */
const FLAGS: Record<string, string> = {
  raisonSociale: '--raison-sociale',
  immatriculation: '--immatriculation',
  telephone: '--telephone',
  adresse: '--adresse',
  organisation: '--org',
  login: '--login',
  password: '--password',
  email: '--email',
  civilite: '--civilite',
  givenName: '--given',
  familyName: '--family',
};

export async function isc(ctx: CommandContext): Promise<number> {
  const [subcommand, action, ...rest] = ctx.args;
  const known = (subcommand === 'org' || subcommand === 'user') && (action === 'add' || action === 'list');
  if (!known && subcommand !== 'admin-password')
    throw new UsageError(
      t('cli.unknownCommand', { command: `isc ${[subcommand, action].filter(Boolean).join(' ')}`.trim() }),
    );
  const { values } = parse(
    subcommand === 'admin-password' ? [action, ...rest].filter((a): a is string => a !== undefined) : rest,
    OPTIONS,
    false,
  );
  const config = configFrom(values);
  const store = await openStore(config);
  try {
    const db = identityDb(store.db);
    if (subcommand === 'admin-password') {
      const password = config.isc.adminPassword ?? (await new Secrets(db).get(ISC_ADMIN_PASSWORD));
      if (!password) {
        ctx.err(t('cli.pscNotStarted'));
        return 1;
      }
      ctx.out(t('cli.iscAdminPassword', { url: `${config.publicUrl}/isc/admin`, password }));
      return 0;
    }
    const directory = new IscDirectory(db);
    try {
      if (subcommand === 'org' && action === 'add') {
        const created = await directory.createOrganisation({
          raisonSociale: values['raison-sociale'],
          immatriculation: values.immatriculation,
          telephone: values.telephone,
          adresse: values.adresse,
        });
        ctx.out(
          values.json
            ? JSON.stringify(created)
            : t('cli.iscOrganisationCreated', {
                name: created.raisonSociale,
                immatriculation: created.immatriculation,
              }),
        );
      } else if (subcommand === 'user' && action === 'add') {
        const { user, generatedPassword } = await directory.createUser({
          login: values.login,
          password: values.password,
          email: values.email,
          civilite: values.civilite,
          givenName: values.given,
          familyName: values.family,
          organisation: values.org,
        });
        if (values.json)
          ctx.out(JSON.stringify({ ...user, ...(generatedPassword ? { password: generatedPassword } : {}) }));
        else {
          ctx.out(t('cli.iscUserCreated', { login: user.login }));
          if (generatedPassword) ctx.out(t('cli.iscGeneratedPassword', { password: generatedPassword }));
        }
      } else if (subcommand === 'org') {
        const list = await directory.organisations();
        if (values.json) ctx.out(JSON.stringify(list, null, 2));
        else for (const o of list) ctx.out(`${o.immatriculation}  ${o.raisonSociale}`);
      } else {
        const list = await directory.users();
        if (values.json) ctx.out(JSON.stringify(list, null, 2));
        else
          for (const u of list)
            ctx.out(`${u.login}  ${u.givenName} ${u.familyName} <${u.email}>  ${u.organisation.raisonSociale}`);
      }
      return 0;
    } catch (error) {
      if (!(error instanceof IscDirectoryError)) throw error;
      for (const [field, code] of Object.entries(error.problems))
        ctx.err(`${FLAGS[field] ?? field}\u00a0: ${t(`isc.problem.${code}`)}`);
      return Object.values(error.problems).every((p) => p.endsWith('_exists')) ? 3 : 2;
    }
  } finally {
    await store.close();
  }
}
