// The provisioning batch (manual §2.2.2: "Ce compte avec les BAL correspondantes sera créé la nuit
// suivante"): for each account that waits, create its personal and/or applicative mailbox, its test patient
// mailbox and the ORG_AUTH_CLI certificate of its IdNat AUTH_CLI, then make it available. A modification
// gets new mailboxes for changed IdNats; the replaced ones are detached and keep their mail.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import { MailboxError, type MailboxStore, type MailboxType } from '../mail/mailbox/store.ts';
import type { ClientCertificate, ClientCertificateOptions } from '../pki/index.ts';
import type { Database } from '../store/schema.ts';
import type { Logger } from '../util/log.ts';
import type { AccountCertificate, AccountValues, MailboxRole, PendingModification } from './accounts.ts';

/** Issues ORG_AUTH_CLI test certificates: the test PKI. */
export interface CertificateIssuer {
  issueClientCertificate(idnat: string, options?: ClientCertificateOptions): Promise<ClientCertificate>;
}

export interface BatchReport {
  /** Accounts made available (or brought up to date) by this run. */
  provisioned: number[];
  failed: { id: number; nil: string; message: string }[];
}

export type ProvisionOutcome =
  | { outcome: 'provisioned' }
  | { outcome: 'skipped' }
  | { outcome: 'failed'; message: string };

interface ProvisioningOptions {
  config: Config;
  db: Kysely<Database>;
  mailboxes: MailboxStore;
  certificates: () => Promise<CertificateIssuer>;
  log: Logger;
}

/** The mailbox an IdNat (PSC or AUTH_CLI) gets: <IdNat>@<mail domain>. */
export function idnatMailbox(idnat: string, config: Pick<Config, 'mailDomain'>): string {
  return `${idnat}@${config.mailDomain}`;
}

/** A run that stopped half-way (a crash) leaves its claim; after this long another run takes the account over. */
const STALE_CLAIM_MS = 10 * 60 * 1000;

export class Provisioning {
  constructor(private readonly o: ProvisioningOptions) {}

  /** Accounts the next batch will work on: being created, or with a modification waiting. */
  async waiting(): Promise<number[]> {
    const rows = await this.o.db
      .selectFrom('product_accounts')
      .select('id')
      .where((eb) => eb.or([eb('status', '!=', 'available'), eb('pending', 'is not', null)]))
      .orderBy('id')
      .execute();
    return rows.map((r) => Number(r.id));
  }

  async runBatch(): Promise<BatchReport> {
    const report: BatchReport = { provisioned: [], failed: [] };
    for (const id of await this.waiting()) {
      const result = await this.provision(id);
      if (result.outcome === 'provisioned') report.provisioned.push(id);
      if (result.outcome === 'failed') {
        const row = await this.o.db
          .selectFrom('product_accounts')
          .select('nil')
          .where('id', '=', id)
          .executeTakeFirst();
        report.failed.push({ id, nil: row?.nil ?? '', message: result.message });
      }
    }
    if (report.provisioned.length || report.failed.length)
      this.o.log.info('provisioning batch', { provisioned: report.provisioned.length, failed: report.failed.length });
    return report;
  }

  /**
   * Applies one account. A claim in the database keeps two runs (the platform's schedule and a CLI
   * `motco account provision`, say) from working on the same account at once.
   */
  async provision(id: number): Promise<ProvisionOutcome> {
    const claim = randomUUID();
    const now = Date.now();
    const claimed = await this.o.db
      .updateTable('product_accounts')
      .set({ claim, claimed_at: now })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('status', '!=', 'available'), eb('pending', 'is not', null)]))
      .where((eb) => eb.or([eb('claim', 'is', null), eb('claimed_at', '<', now - STALE_CLAIM_MS)]))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return { outcome: 'skipped' };
    try {
      await this.apply(id, claim);
      this.o.log.info('account provisioned', { account: id });
      return { outcome: 'provisioned' };
    } catch (error) {
      const message = (error as Error).message;
      this.o.log.error('account provisioning failed', { account: id, error });
      await this.o.db
        .updateTable('product_accounts')
        .set({ claim: null, claimed_at: null })
        .where('id', '=', id)
        .where('claim', '=', claim)
        .execute();
      return { outcome: 'failed', message };
    }
  }

  /**
   * Why `address` cannot become this account's `role` mailbox, or undefined: it belongs (or belonged) to
   * another account, or it exists outside accounts as another type of mailbox.
   */
  async mailboxProblem(address: string, role: MailboxRole, accountId: number | undefined): Promise<string | undefined> {
    const mailbox = await this.o.mailboxes.find(address);
    if (!mailbox) return undefined;
    const owner = await this.o.db
      .selectFrom('account_mailboxes')
      .select('account_id')
      .where('mailbox_id', '=', mailbox.id)
      .executeTakeFirst();
    if (owner ? Number(owner.account_id) !== accountId : mailbox.type !== role)
      return t('account.error.mailboxTaken', { address: mailbox.address });
    return undefined;
  }

  private async apply(id: number, claim: string): Promise<void> {
    const { db, config } = this.o;
    const row = await db
      .selectFrom('product_accounts')
      .innerJoin('organisations', 'organisations.id', 'product_accounts.organisation_id')
      .select([
        'product_accounts.nil',
        'product_accounts.idnat_psc',
        'product_accounts.idnat_auth_cli',
        'product_accounts.pending',
        'product_accounts.patient_address',
        'product_accounts.certificate',
        'organisations.raison_sociale',
      ])
      .where('product_accounts.id', '=', id)
      .executeTakeFirstOrThrow();
    const pending = row.pending ? (JSON.parse(row.pending) as PendingModification) : null;
    const target: AccountValues = pending
      ? { nil: pending.nil, idnatPsc: pending.idnatPsc, idnatAuthCli: pending.idnatAuthCli }
      : { nil: row.nil, idnatPsc: row.idnat_psc, idnatAuthCli: row.idnat_auth_cli };

    // Mailboxes first (each creation is its own transaction); an unattached one left by a crash is taken up again.
    const wanted: { role: MailboxRole; address: string; id: number }[] = [];
    for (const [role, idnat] of [
      ['personal', target.idnatPsc],
      ['applicative', target.idnatAuthCli],
    ] as const) {
      if (idnat) wanted.push({ role, address: idnatMailbox(idnat, config), id: 0 });
    }
    wanted.push({ role: 'patient', address: row.patient_address, id: 0 });
    for (const w of wanted) {
      const problem = await this.mailboxProblem(w.address, w.role, id);
      if (problem) throw new Error(problem);
      w.id = (await this.ensureMailbox(w.address, w.role)).id;
    }

    const previous = row.certificate ? (JSON.parse(row.certificate) as AccountCertificate) : null;
    let certificate: AccountCertificate | null = null;
    if (target.idnatAuthCli) {
      certificate =
        previous?.idnat === target.idnatAuthCli
          ? previous
          : await this.issueCertificate(target.idnatAuthCli, row.raison_sociale);
    }

    await db.transaction().execute(async (tx) => {
      const now = Date.now();
      const current = await tx
        .selectFrom('account_mailboxes')
        .select(['mailbox_id', 'role'])
        .where('account_id', '=', id)
        .where('detached_at', 'is', null)
        .execute();
      for (const attached of current) {
        if (!wanted.some((w) => w.id === Number(attached.mailbox_id) && w.role === attached.role)) {
          await tx
            .updateTable('account_mailboxes')
            .set({ detached_at: now })
            .where('mailbox_id', '=', attached.mailbox_id)
            .execute();
        }
      }
      for (const w of wanted) await attach(tx, id, w, now);
      // A modification that arrived while this run worked stays waiting for the next one.
      const latest = await tx
        .selectFrom('product_accounts')
        .select('pending')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const newer = latest.pending !== row.pending;
      await tx
        .updateTable('product_accounts')
        .set({
          nil: target.nil,
          idnat_psc: target.idnatPsc,
          idnat_auth_cli: target.idnatAuthCli,
          certificate: certificate && JSON.stringify(certificate),
          pending: newer ? latest.pending : null,
          status: newer ? 'unavailable' : 'available',
          provisioned_at: now,
          updated_at: now,
          claim: null,
          claimed_at: null,
        })
        .where('id', '=', id)
        .where('claim', '=', claim)
        .execute();
    });
  }

  private async ensureMailbox(address: string, type: MailboxType) {
    const existing = await this.o.mailboxes.find(address);
    if (existing) return existing;
    try {
      return await this.o.mailboxes.create(address, type);
    } catch (error) {
      // Created by someone else meanwhile (a patient address written to before provisioning, say).
      if (error instanceof MailboxError && error.code === 'exists') return (await this.o.mailboxes.find(address))!;
      throw error;
    }
  }

  private async issueCertificate(idnat: string, organisation: string): Promise<AccountCertificate> {
    const issued = await (await this.o.certificates()).issueClientCertificate(idnat, { organisation });
    return {
      idnat,
      serialNumber: issued.serialNumber,
      notAfter: issued.notAfter.getTime(),
      files: issued.files,
      pkcs12Password: issued.pkcs12Password,
    };
  }
}

async function attach(
  tx: Transaction<Database>,
  accountId: number,
  mailbox: { id: number; role: MailboxRole; address: string },
  now: number,
): Promise<void> {
  const existing = await tx
    .selectFrom('account_mailboxes')
    .select(['account_id', 'detached_at'])
    .where('mailbox_id', '=', mailbox.id)
    .executeTakeFirst();
  if (!existing) {
    await tx
      .insertInto('account_mailboxes')
      .values({
        account_id: accountId,
        mailbox_id: mailbox.id,
        role: mailbox.role,
        attached_at: now,
        detached_at: null,
      })
      .execute();
  } else if (Number(existing.account_id) !== accountId) {
    throw new Error(t('account.error.mailboxTaken', { address: mailbox.address }));
  } else if (existing.detached_at !== null) {
    // The account went back to an IdNat it had: its former mailbox, with its mail, is its own again.
    await tx
      .updateTable('account_mailboxes')
      .set({ detached_at: null, attached_at: now })
      .where('mailbox_id', '=', mailbox.id)
      .execute();
  }
}
