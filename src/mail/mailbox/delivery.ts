// Local delivery of an accepted message: one copy into the INBOX of every recipient. Addresses of the test
// patient domain get their mailbox on first use, so a vendor can write to any <matricule INS>@patient….
// A recipient's quota is checked before anything is stored, so that SMTP can refuse the message whole.
import { QuotaError, type MailboxStore } from './store.ts';

export interface Delivered {
  address: string;
  mailboxId: number;
  uid: number;
}

export class Delivery {
  constructor(private readonly mailboxes: MailboxStore) {}

  /** The first recipient whose mailbox cannot take one more message of this size, if any. */
  async overQuota(recipients: string[], size: number): Promise<string | undefined> {
    for (const address of recipients) {
      const mailbox = await this.mailboxes.find(address);
      if (!mailbox) continue; // a patient address not used yet: its mailbox will be empty
      try {
        await this.mailboxes.checkQuota(mailbox.id, 1, size);
      } catch (error) {
        if (error instanceof QuotaError) return mailbox.address;
        throw error;
      }
    }
    return undefined;
  }

  /**
   * Stores the message for each recipient. A mailbox that filled up since overQuota() (another delivery at
   * the same moment) is skipped and named in `overQuota`: the others keep their copy.
   */
  async deliver(
    recipients: string[],
    message: Buffer,
    internalDate = Date.now(),
  ): Promise<{ delivered: Delivered[]; overQuota: string[] }> {
    const delivered: Delivered[] = [];
    const overQuota: string[] = [];
    for (const address of recipients) {
      const mailbox =
        (await this.mailboxes.find(address)) ??
        (this.mailboxes.domainOf(address) === 'patient' ? await this.createPatient(address) : undefined);
      if (!mailbox) continue; // vanished between RCPT and DATA: nothing to deliver into
      try {
        const { uid } = await this.mailboxes.append(mailbox.id, 'INBOX', message, { internalDate });
        delivered.push({ address: mailbox.address, mailboxId: mailbox.id, uid });
      } catch (error) {
        if (!(error instanceof QuotaError)) throw error;
        overQuota.push(mailbox.address);
      }
    }
    return { delivered, overQuota };
  }

  private async createPatient(address: string) {
    try {
      return await this.mailboxes.create(address, 'patient');
    } catch {
      return this.mailboxes.find(address); // created concurrently by another session
    }
  }
}
