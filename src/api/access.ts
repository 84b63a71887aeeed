// What a caller may reach. A vendor reaches its organisation's accounts, their executions and the journal of
// their mailboxes; anything else answers 404, exactly as if it did not exist (never 403, which would confirm
// it does). A reviewer reads any execution by id. An admin reaches everything.
import type { Accounts, ProductAccount } from '../accounts/accounts.ts';
import type { Caller } from '../auth/index.ts';
import type { ExecutionStore } from '../runner/store.ts';
import type { Execution } from '../runner/types.ts';
import { notFound } from './route.ts';

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

  async account(id: number): Promise<ProductAccount> {
    const account = await this.findAccount(id);
    if (!account) throw notFound();
    return account;
  }

  /** The account if the caller reaches it, else undefined (the web pages' 404). */
  async findAccount(id: number): Promise<ProductAccount | undefined> {
    const account = await this.accounts.get(id);
    return account && (await this.reaches(account.id)) ? account : undefined;
  }

  async execution(id: number, executions: ExecutionStore): Promise<Execution> {
    const execution = await this.findExecution(id, executions);
    if (!execution) throw notFound();
    return execution;
  }

  async findExecution(id: number, executions: ExecutionStore): Promise<Execution | undefined> {
    const execution = await executions.get(id);
    // Reviewers read any execution by its id (the number a vendor sends to the agency).
    return execution && (this.caller.user.role === 'reviewer' || (await this.reaches(execution.accountId))) ? execution : undefined;
  }

  private async reaches(accountId: number): Promise<boolean> {
    const ids = await this.accountIds();
    return ids === undefined || ids.includes(accountId);
  }
}
