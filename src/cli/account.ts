// `motco account create|list|show|modify|provision|renew-password`: product accounts from the command line,
// written to the store (a running platform sees them at once). Provisioning runs in this process: at once in
// immediate mode, or with `provision` (the nightly batch, now). An account shown (show, create, modify,
// renew-password) comes with its mailboxes' test passwords: the operator on this machine reads the database anyway.
import {
  Accounts,
  type AccountResult,
  type MailboxPasswords,
  type MailboxRole,
  type ProductAccount,
} from '../accounts/accounts.ts';
import { PlatformDirectory } from '../accounts/directory.ts';
import type { Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import { MailboxStore } from '../mail/mailbox/store.ts';
import { TestPki } from '../pki/index.ts';
import { openStore } from '../store/store.ts';
import { createLogger } from '../util/log.ts';
import { configFrom, parse, UsageError, type CommandContext } from './context.ts';

const OPTIONS = {
  org: { type: 'string' },
  nil: { type: 'string' },
  'idnat-psc': { type: 'string' },
  'idnat-auth-cli': { type: 'string' },
  role: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const ROLES: readonly MailboxRole[] = ['personal', 'applicative', 'patient'];

const FLAGS: Record<string, string> = { nil: '--nil', idnatPsc: '--idnat-psc', idnatAuthCli: '--idnat-auth-cli' };

export async function account(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  if (!['create', 'list', 'show', 'modify', 'provision', 'renew-password'].includes(action ?? ''))
    throw new UsageError(t('cli.unknownCommand', { command: `account ${action ?? ''}`.trim() }));
  const { values, positionals } = parse(rest, OPTIONS);
  const config = configFrom(values);
  const store = await openStore(config);
  try {
    const accounts = openAccounts(config, store.db);
    const print = async (a: ProductAccount) => {
      const shown = { ...a, passwords: await accounts.passwords(a) };
      ctx.out(values.json ? JSON.stringify(shown, null, 2) : describe(shown));
    };

    if (action === 'create') {
      if (!values.org) throw new UsageError(t('cli.missingArgument', { name: '--org' }));
      const organisation = await new PlatformDirectory(store.db).organisation(values.org);
      if (!organisation) {
        ctx.err(`--org : ${t('isc.problem.organisation_unknown')}`);
        return 2;
      }
      const result = await accounts.create(
        { nil: values.nil ?? '', idnatPsc: values['idnat-psc'], idnatAuthCli: values['idnat-auth-cli'] },
        { organisationId: organisation.id, by: 'cli' },
      );
      return await answer(ctx, result, print);
    }
    if (action === 'list') {
      const organisation = values.org ? await new PlatformDirectory(store.db).organisation(values.org) : undefined;
      const list = values.org
        ? organisation
          ? await accounts.list({ organisationId: organisation.id })
          : []
        : await accounts.list();
      if (values.json) ctx.out(JSON.stringify(list, null, 2));
      else
        for (const a of list)
          ctx.out(
            `${a.id}  ${a.nil}  ${a.statusLabel}  ${a.organisation.raisonSociale}  ` +
              `${[a.mailboxes.personal, a.mailboxes.applicative].filter(Boolean).join(' ')}`,
          );
      return 0;
    }
    if (action === 'provision') {
      const report = await accounts.runBatch();
      if (values.json) ctx.out(JSON.stringify(report));
      else {
        ctx.out(t('cli.batchDone', { provisioned: report.provisioned.length, failed: report.failed.length }));
        for (const f of report.failed) ctx.err(t('cli.batchFailed', { id: f.id, nil: f.nil, message: f.message }));
      }
      return report.failed.length ? 1 : 0;
    }

    const key = positionals[0];
    if (!key) throw new UsageError(t('cli.missingArgument', { name: 'ID|NIL' }));
    const found = /^\d+$/.test(key)
      ? ((await accounts.get(Number(key))) ?? (await accounts.byNil(key)))
      : await accounts.byNil(key);
    if (!found) {
      ctx.err(t('cli.accountNotFound', { key }));
      return 1;
    }
    if (action === 'show') {
      await print(found);
      return 0;
    }
    if (action === 'renew-password') {
      const role = ROLES.find((r) => r === values.role);
      if (!role) throw new UsageError(t('cli.missingArgument', { name: '--role personal|applicative|patient' }));
      if (!(await accounts.renewPassword(found, role, 'cli'))) {
        ctx.err(t('cli.account.noMailbox', { nil: found.nil, role }));
        return 1;
      }
      await print(found);
      return 0;
    }
    // modify: a flag left out keeps its value; an empty one removes an IdNat.
    const base = found.pending ?? found;
    const result = await accounts.modify(
      found.id,
      {
        nil: values.nil ?? base.nil,
        idnatPsc: values['idnat-psc'] ?? base.idnatPsc ?? undefined,
        idnatAuthCli: values['idnat-auth-cli'] ?? base.idnatAuthCli ?? undefined,
      },
      'cli',
    );
    return await answer(ctx, result!, print);
  } finally {
    await store.close();
  }
}

/** Accounts as the platform has them, with the test PKI opened only when a certificate is due. */
function openAccounts(config: Config, db: ConstructorParameters<typeof PlatformDirectory>[0]): Accounts {
  const mailboxes = new MailboxStore(db, { mail: config.mailDomain, patient: config.patientDomain });
  let pki: Promise<TestPki> | undefined;
  const log = createLogger(config.log.level);
  return new Accounts({ config, db, mailboxes, certificates: () => (pki ??= TestPki.open(config, log)), log });
}

async function answer(
  ctx: CommandContext,
  result: AccountResult,
  print: (a: ProductAccount) => Promise<void>,
): Promise<number> {
  if (result.ok) {
    await print(result.account);
    return 0;
  }
  for (const e of result.errors) ctx.err(`${FLAGS[e.field] ?? e.field}\u00a0: ${e.message}`);
  return result.errors.every((e) => e.code === 'taken' || e.code === 'mailbox_taken') ? 3 : 2;
}

function describe(a: ProductAccount & { passwords: MailboxPasswords }): string {
  const lines = [
    t('cli.account.heading', { id: a.id, nil: a.nil, status: a.statusLabel }),
    t('cli.account.organisation', {
      name: a.organisation.raisonSociale,
      immatriculation: a.organisation.immatriculation,
    }),
    t('cli.account.idnatPsc', { idnat: a.idnatPsc ?? '—', mailbox: a.mailboxes.personal ?? '—' }),
    t('cli.account.idnatAuthCli', { idnat: a.idnatAuthCli ?? '—', mailbox: a.mailboxes.applicative ?? '—' }),
    t('cli.account.patient', { address: a.patientAddress }),
    t('cli.account.runnerUser', { user: a.runnerUserId }),
  ];
  for (const role of ROLES) {
    const address = a.mailboxes[role];
    const password = a.passwords[role];
    if (address && password) lines.push(t('cli.account.password', { address, password }));
  }
  if (a.certificate)
    lines.push(
      t('cli.account.certificate', {
        p12: a.certificate.files.pkcs12,
        password: a.certificate.pkcs12Password,
        chain: a.certificate.files.chain,
        key: a.certificate.files.key,
      }),
    );
  if (a.pending)
    lines.push(
      t('cli.account.pending', {
        nil: a.pending.nil,
        psc: a.pending.idnatPsc ?? '—',
        authCli: a.pending.idnatAuthCli ?? '—',
      }),
    );
  for (const m of a.formerMailboxes) lines.push(t('cli.account.former', { address: m.address }));
  return lines.join('\n');
}
