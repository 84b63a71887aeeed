// CIBA requests waiting for the e-CPS holder: listed on the "e-CPS de test" page, accepted or refused there,
// or approved at once (auto-approve setting, or the platform's own tools client). A request is the holder's
// of its identity (login_hint): only that identity's organisation sees it and may answer it.
import { errors } from 'oidc-provider';
import type { IdentityDb } from '../db.ts';
import type { ProviderHolder } from '../oidc.ts';
import { PSC_ACR, TOOLS_CLIENT_ID } from '../issuers.ts';
import type { IdentityScope, PscIdentities } from './identities.ts';
import { pscGrant } from './provider.ts';

export interface PendingRequest {
  id: string;
  idnat: string;
  clientId: string;
  bindingMessage: string;
  scope: string;
  channel: string | undefined;
  createdAt: number;
  expiresAt: number;
}

type Request = InstanceType<ProviderHolder['provider']['BackchannelAuthenticationRequest']>;

export class CibaDesk {
  constructor(
    private readonly db: IdentityDb,
    private readonly holder: ProviderHolder,
    private readonly identities: PscIdentities,
    private readonly autoApprove: boolean,
  ) {}

  /** oidc-provider's triggerAuthenticationDevice: nothing to notify, the page lists what is pending. */
  async requested(request: Request, clientId: string): Promise<void> {
    if (this.autoApprove || clientId === TOOLS_CLIENT_ID) await this.approveRequest(request);
  }

  /**
   * Requests neither answered nor expired for identities of the scope, oldest first; only one identity's with `idnat`.
   */
  async pending(idnat?: string, scope: IdentityScope = 'all'): Promise<PendingRequest[]> {
    let query = this.db
      .selectFrom('oidc_payloads')
      .select(['id', 'payload', 'expires_at', 'account_id'])
      .where('provider', '=', 'psc')
      .where('model', '=', 'BackchannelAuthenticationRequest')
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', Date.now());
    if (idnat) query = query.where('account_id', '=', idnat);
    const rows = await query.execute();
    const visible = scope === 'all' ? undefined : new Set((await this.identities.list(scope)).map((i) => i.idnat));
    return rows
      .filter((row) => !visible || (row.account_id !== null && visible.has(row.account_id)))
      .map((row) => ({
        row,
        payload: JSON.parse(row.payload) as {
          grantId?: string;
          error?: string;
          clientId: string;
          scope: string;
          iat: number;
          params?: Record<string, string>;
        },
      }))
      .filter(({ payload }) => !payload.grantId && !payload.error)
      .map(({ row, payload }) => ({
        id: row.id,
        idnat: row.account_id ?? '',
        clientId: payload.clientId,
        bindingMessage: payload.params?.binding_message ?? '',
        scope: payload.scope,
        channel: payload.params?.channel,
        createdAt: payload.iat * 1000,
        expiresAt: Number(row.expires_at),
      }))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Accepts a pending request; false when it is unknown, expired, already answered or not the scope's. */
  async approve(id: string, scope: IdentityScope = 'all'): Promise<boolean> {
    const request = await this.find(id, scope);
    if (!request) return false;
    await this.approveRequest(request);
    return true;
  }

  async refuse(id: string, scope: IdentityScope = 'all'): Promise<boolean> {
    const request = await this.find(id, scope);
    if (!request) return false;
    await this.holder.provider.backchannelResult(request, new errors.AccessDenied('refused on the e-CPS'));
    return true;
  }

  private async find(id: string, scope: IdentityScope): Promise<Request | undefined> {
    const request = await this.holder.provider.BackchannelAuthenticationRequest.find(id);
    if (!request || request.grantId || request.error || !request.isValid || !request.accountId) return undefined;
    return scope === 'all' || (await this.identities.findIn(request.accountId, scope)) ? request : undefined;
  }

  private async approveRequest(request: Request): Promise<void> {
    const provider = this.holder.provider;
    const grantId = await pscGrant(provider, request.accountId!, request.clientId!);
    await provider.backchannelResult(request, grantId, {
      acr: PSC_ACR,
      amr: ['mfa'],
      authTime: Math.floor(Date.now() / 1000),
    });
  }
}
