// What the reference LPS knows before it plays a job: the account it acts for, the platform's endpoints and
// DNS, the only authorities it trusts, where its PSC tokens come from, and the local address it leaves from.
import type { JobAccount } from '../catalogue/verdicts/types.ts';
import type { EndpointListing } from '../mail/endpoints.ts';
import type { TokenSource } from './tokens.ts';

export interface ClientKeyPair {
  /** The certificate, optionally followed by its issuing CA. */
  certPem: string;
  keyPem: string;
}

export interface LpsAccount extends JobAccount {
  /** ORG_AUTH_CLI certificate of the structure (OU = IdNat AUTH_CLI), for the applicative mailbox. */
  clientCertificate?: ClientKeyPair | undefined;
}

export interface LpsContext {
  account: LpsAccount;
  /** As `motco endpoints --json` prints it: hosts, addresses, ports, DNS server, autoconfig base URL. */
  endpoints: EndpointListing;
  /** PEM of the IGC Santé TEST bundle: the only authorities trusted for mail servers. */
  trust: string;
  /** Authorities added to the system store for an https autoconfig host (the vendor's system-wide roots). */
  httpsCa?: string | undefined;
  /** PSC tokens of the account's IdNat PSC (required for PSC jobs). */
  tokens?: TokenSource | undefined;
  /** The account's mailboxes' own passwords by address, which only the login-instead-of-xoauth2 fault uses. */
  passwords: Record<string, string>;
  /** Seconds the platform waits after the other folder is selected before it closes the IMAP session (reopen). */
  reopenDelaySeconds: number;
  /** Another structure's ORG_AUTH_CLI certificate, which only the wrong-ou fault presents. */
  foreignClientCertificate?: ClientKeyPair | undefined;
  /** Local address every connection and lookup leaves from (--ip-bind). */
  localAddress?: string | undefined;
  /** How long to wait for any one server answer. */
  timeoutMs?: number;
}
