// What autoconfiguration advertises, by HTTP and DNS alike: which endpoints serve an address of the mail
// domain, and how a client authenticates there. The journal keeps these answers so that the autoconfig
// verdict can look for a connection to exactly what was advertised.
import { isIP } from 'node:net';
import { reachableAddress, type BalType, type Config, type EndpointConfig } from '../config/config.ts';
import type { EndpointId } from '../config/schema.ts';
import type { MailboxType } from '../mail/mailbox/store.ts';

/**
 * The endpoints of the mail domain, preferred first. `org` comes first because both mailbox types can
 * authenticate there (it requests a client certificate without requiring one, and accepts XOAUTH2), while
 * `psc` never requests a certificate, so an applicative client sent there cannot present its ORG_AUTH_CLI one.
 */
export const MAIL_DOMAIN_ENDPOINTS: readonly EndpointId[] = ['org', 'psc'];

/**
 * Thunderbird-format `<authentication>` values, in order (clients take the first they support).
 * PSC: `OAuth2`, the format's value for SASL with an OAuth 2 bearer (XOAUTH2 here).
 * AUTH_CLI: `TLS-client-cert` (the ORG_AUTH_CLI certificate in the STARTTLS handshake) then
 * `password-cleartext` (the SASL PLAIN with the mailbox address that follows it); the second also keeps the
 * file readable by clients that do not know the first, as Thunderbird, which skips it.
 */
export const AUTHENTICATION: Record<BalType, readonly string[]> = {
  PSC: ['OAuth2'],
  AUTH_CLI: ['TLS-client-cert', 'password-cleartext'],
};

/** Thunderbird's placeholder for the address the user typed, used when the request names none. */
export const ANY_ADDRESS = '%EMAILADDRESS%';

export interface AdvertisedServer {
  endpoint: EndpointId;
  protocol: 'imap' | 'smtp';
  host: string;
  /** What our DNS answers for the host (the journal keeps it for matching connections). */
  address: string;
  port: number;
  socketType: 'STARTTLS';
  username: string;
  authentication: readonly string[];
}

/** A personal mailbox is served by `psc`, an applicative one by `org`; anything else by both. */
export function endpointsFor(config: Config, type: MailboxType | undefined): EndpointConfig[] {
  const ids: readonly EndpointId[] =
    type === 'personal' ? ['psc'] : type === 'applicative' ? ['org'] : MAIL_DOMAIN_ENDPOINTS;
  return ids.map((id) => config.endpoints.find((e) => e.id === id)!);
}

/**
 * The address clients are given for an endpoint (DNS and the autoconfig journal): its own, or for one listening
 * on a wildcard the platform's public address `autoconfig.address` — unless that is IPv6 and the listener
 * IPv4-only (0.0.0.0), which then keeps loopback.
 */
export function advertisedAddress(config: Config, endpoint: EndpointConfig): string {
  const publicAddress = config.autoconfig.address;
  if (endpoint.address === '::' || (endpoint.address === '0.0.0.0' && isIP(publicAddress) === 4)) return publicAddress;
  return reachableAddress(endpoint.address);
}

/** IMAP servers first, then SMTP submission, each in the endpoints' order. */
export function advertisedServers(config: Config, endpoints: EndpointConfig[], username: string): AdvertisedServer[] {
  return (['imap', 'smtp'] as const).flatMap((protocol) =>
    endpoints.map((e) => ({
      endpoint: e.id,
      protocol,
      host: e.host,
      address: advertisedAddress(config, e),
      port: protocol === 'imap' ? e.imapPort : e.smtpPort,
      socketType: 'STARTTLS' as const,
      username,
      authentication: AUTHENTICATION[e.balType],
    })),
  );
}
