// Who may open an account's runner pages: whoever the access policy (src/auth/access.ts) lets reach that
// account (the vendors of its organisation, admins), recognised by the web session the account site opened,
// so there is no second login. Anything else gets the same answer as an unknown address, so that nobody
// learns which accounts or executions exist.
import type { FastifyRequest } from 'fastify';
import type { Accounts, ProductAccount } from '../../accounts/accounts.ts';
import type { PlatformUser } from '../../accounts/directory.ts';
import { Access } from '../../auth/access.ts';
import type { Auth } from '../../auth/index.ts';
import type { ExecutionStore } from '../../runner/store.ts';
import type { Execution } from '../../runner/types.ts';
import { idOf } from '../site/layout.ts';

/** A signed-in person looking at one of the accounts they reach. */
export interface Visit {
  user: PlatformUser;
  account: ProductAccount;
}

export type VisitResult =
  | { ok: true; visit: Visit }
  | { ok: false; reason: 'signed-out'; user?: undefined }
  | { ok: false; reason: 'not-found'; user: PlatformUser };

export async function visitOf(
  request: FastifyRequest,
  deps: { auth: Auth; accounts: Accounts },
  accountParam: string,
): Promise<VisitResult> {
  const user = await deps.auth.sessions.sessionUser(request);
  if (!user) return { ok: false, reason: 'signed-out' };
  const id = idOf(accountParam);
  const account = id === undefined ? undefined : await new Access({ user, via: 'session' }, deps.accounts).account(id);
  return account ? { ok: true, visit: { user, account } } : { ok: false, reason: 'not-found', user };
}

/** An execution of the visited account (a step of a global job included), or undefined. */
export async function executionOf(
  visit: Visit,
  executions: ExecutionStore,
  executionParam: string,
): Promise<Execution | undefined> {
  const id = idOf(executionParam);
  const execution = id === undefined ? undefined : await executions.get(id);
  return execution?.accountId === visit.account.id ? execution : undefined;
}
