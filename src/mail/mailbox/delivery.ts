// Local delivery of an accepted message: one copy into the INBOX of every recipient. Addresses of the test
// patient domain get their mailbox on first use, so a vendor can write to any <matricule INS>@patient….
import type { MailboxStore } from './store.ts';

export interface Delivered {
  address: string;
  mailboxId: number;
  uid: number;
}

export class Delivery {
  constructor(private readonly mailboxes: MailboxStore) {}

  async deliver(recipients: string[], message: Buffer, internalDate = Date.now()): Promise<Delivered[]> {
    const delivered: Delivered[] = [];
    for (const address of recipients) {
      const mailbox = (await this.mailboxes.find(address)) ?? (this.mailboxes.domainOf(address) === 'patient' ? await this.createPatient(address) : undefined);
      if (!mailbox) continue; // vanished between RCPT and DATA: nothing to deliver into
      const { uid } = await this.mailboxes.append(mailbox.id, 'INBOX', message, { internalDate });
      delivered.push({ address: mailbox.address, mailboxId: mailbox.id, uid });
    }
    return delivered;
  }

  private async createPatient(address: string) {
    try {
      return await this.mailboxes.create(address, 'patient');
    } catch {
      return this.mailboxes.find(address); // created concurrently by another session
    }
  }
}
