// What a caller may reach. A vendor reaches its organisation's accounts, their executions and the journal of
// their mailboxes; a reviewer reads any execution by id; an admin reaches everything. Anything else is
// `undefined`, exactly as if it did not exist: the REST API answers its 404 and the pages their French 404
// (never 403, which would confirm it does).
import type { Accounts, ProductAccount } from '../accounts/accounts.ts';
import type { ExecutionStore } from '../runner/store.ts';
import type { Execution } from '../runner/types.ts';
import type { Caller } from './index.ts';

export class Access {
  constructor(
    readonly caller: Caller,
    private readonly accounts: Accounts,
  ) {}

  get isAdmin(): boolean {
    return this.caller.user.role === 'admin';
  }

  /** Accounts whose records the caller reaches; undefined: all of them. */
  async accountIds(): Promise<number[] | undefined> {
    if (this.isAdmin) return undefined;
    const organisation = this.caller.user.organisation;
    return this.caller.user.role === 'vendor' && organisation ? this.accounts.idsOf(organisation.id) : [];
  }

  /** The account if the caller reaches it, else undefined. */
  async account(id: number): Promise<ProductAccount | undefined> {
    const account = await this.accounts.get(id);
    return account && (await this.reaches(account.id)) ? account : undefined;
  }

  /** The execution if the caller reaches it, else undefined. */
  async execution(id: number, executions: ExecutionStore): Promise<Execution | undefined> {
    const execution = await executions.get(id);
    // Reviewers read any execution by its id (the number a vendor sends to the agency).
    return execution && (this.caller.user.role === 'reviewer' || (await this.reaches(execution.accountId)))
      ? execution
      : undefined;
  }

  private async reaches(accountId: number): Promise<boolean> {
    const ids = await this.accountIds();
    return ids === undefined || ids.includes(accountId);
  }
}
