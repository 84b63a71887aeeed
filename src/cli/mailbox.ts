// `motco mailbox add|list|password`: test mailboxes, written straight to the store so that a running platform
// serves them at once. `add` prints the new mailbox's generated password; `password` shows it again, or
// draws a new one with --renew.
import { t } from '../i18n/messages.ts';
import { MAILBOX_TYPES, MailboxError, MailboxStore, type MailboxType } from '../mail/mailbox/store.ts';
import { openStore } from '../store/store.ts';
import { configFrom, parse, UsageError, type CommandContext } from './context.ts';

export async function mailbox(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  const { values, positionals } = parse(rest, {
    type: { type: 'string' },
    renew: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const config = configFrom(values);
  const store = await openStore(config);
  try {
    const mailboxes = new MailboxStore(store.db, { mail: config.mailDomain, patient: config.patientDomain });
    if (action === 'add') {
      const address = positionals[0];
      if (!address) throw new UsageError(t('cli.missingArgument', { name: 'ADRESSE' }));
      const type = (values.type ?? 'test') as MailboxType;
      if (!MAILBOX_TYPES.includes(type)) throw new UsageError(t('cli.badOption', { message: `--type ${type}` }));
      try {
        const created = await mailboxes.create(address, type);
        const password = (await mailboxes.password(created.id))!;
        ctx.out(
          values.json
            ? JSON.stringify({ ...created, password })
            : t('cli.mailboxCreated', { address: created.address, type: t(`mailbox.type.${created.type}`), password }),
        );
        return 0;
      } catch (error) {
        if (!(error instanceof MailboxError)) throw error;
        const domain = type === 'patient' ? config.patientDomain : config.mailDomain;
        const message = {
          exists: t('cli.mailboxExists', { address }),
          invalid_address: t('mailbox.invalidAddress', { address }),
          wrong_domain: t('mailbox.wrongDomain', { address, domain }),
          unknown_mailbox: t('mailbox.invalidAddress', { address }),
        }[error.code];
        ctx.err(message);
        return error.code === 'exists' ? 3 : 2;
      }
    }
    if (action === 'password') {
      const address = positionals[0];
      if (!address) throw new UsageError(t('cli.missingArgument', { name: 'ADRESSE' }));
      const found = await mailboxes.find(address);
      if (!found) {
        ctx.err(t('cli.mailboxUnknown', { address }));
        return 1;
      }
      const password = values.renew ? await mailboxes.renewPassword(found.id) : (await mailboxes.password(found.id))!;
      ctx.out(
        values.json
          ? JSON.stringify({ address: found.address, password })
          : t(values.renew ? 'cli.mailboxRenewed' : 'cli.mailboxPassword', { address: found.address, password }),
      );
      return 0;
    }
    if (action === 'list') {
      const list = await mailboxes.list();
      if (values.json) ctx.out(JSON.stringify(list, null, 2));
      else for (const m of list) ctx.out(`${m.address}  ${t(`mailbox.type.${m.type}`)}`);
      return 0;
    }
    throw new UsageError(t('cli.usage'));
  } finally {
    await store.close();
  }
}
