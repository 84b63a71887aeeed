// CIBA requests waiting for the e-CPS holder: listed on the "e-CPS de test" page, accepted or refused there,
// or approved at once (auto-approve setting, or the platform's own tools client).
import { errors } from 'oidc-provider';
import type { IdentityDb } from '../db.ts';
import type { ProviderHolder } from '../oidc.ts';
import { PSC_ACR, TOOLS_CLIENT_ID } from '../issuers.ts';
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
    private readonly autoApprove: boolean,
  ) {}

  /** oidc-provider's triggerAuthenticationDevice: nothing to notify, the page lists what is pending. */
  async requested(request: Request, clientId: string): Promise<void> {
    if (this.autoApprove || clientId === TOOLS_CLIENT_ID) await this.approveRequest(request);
  }

  /** Requests neither answered nor expired, oldest first; only one identity's with `idnat`. */
  async pending(idnat?: string): Promise<PendingRequest[]> {
    let query = this.db
      .selectFrom('oidc_payloads')
      .select(['id', 'payload', 'expires_at', 'account_id'])
      .where('provider', '=', 'psc')
      .where('model', '=', 'BackchannelAuthenticationRequest')
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', Date.now());
    if (idnat) query = query.where('account_id', '=', idnat);
    const rows = await query.execute();
    return rows
      .map((row) => ({ row, payload: JSON.parse(row.payload) as { grantId?: string; error?: string; clientId: string; scope: string; iat: number; params?: Record<string, string> } }))
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

  /** Accepts a pending request; false when it is unknown, expired or already answered. */
  async approve(id: string): Promise<boolean> {
    const request = await this.find(id);
    if (!request) return false;
    await this.approveRequest(request);
    return true;
  }

  async refuse(id: string): Promise<boolean> {
    const request = await this.find(id);
    if (!request) return false;
    await this.holder.provider.backchannelResult(request, new errors.AccessDenied('refused on the e-CPS'));
    return true;
  }

  private async find(id: string): Promise<Request | undefined> {
    const request = await this.holder.provider.BackchannelAuthenticationRequest.find(id);
    return request && !request.grantId && !request.error && request.isValid ? request : undefined;
  }

  private async approveRequest(request: Request): Promise<void> {
    const provider = this.holder.provider;
    const grantId = await pscGrant(provider, request.accountId!, request.clientId!);
    await provider.backchannelResult(request, grantId, { acr: PSC_ACR, amr: ['mfa'], authTime: Math.floor(Date.now() / 1000) });
  }
}
