// Who may open a mailbox with a PSC token. The platform answers from product accounts (mailbox → account →
// IdNat PSC, src/accounts/accounts.ts); a personal mailbox outside accounts belongs to the IdNat PSC it was
// created for (its `idnat` column, the local part of <IdNat>@<mail domain>), which mailboxColumnOwners says.
import type { Mailbox } from '../mail/mailbox/store.ts';

export type MailboxOwner = { kind: 'personal'; idnat: string } | { kind: 'not_personal' };

export interface MailboxOwners {
  ownerOf(mailbox: Mailbox): Promise<MailboxOwner>;
}

export const mailboxColumnOwners: MailboxOwners = {
  async ownerOf(mailbox) {
    return mailbox.type === 'personal' && mailbox.idnat
      ? { kind: 'personal', idnat: mailbox.idnat }
      : { kind: 'not_personal' };
  },
};
