// What the protocol sessions stand on, gathered once per platform: configuration, stores, authentication,
// TLS material per endpoint, the journal and the live-session registry.
import type { Config, EndpointConfig } from '../config/config.ts';
import type { Journal } from '../observe/journal.ts';
import type { Logger } from '../util/log.ts';
import type { Authenticator } from './authenticate.ts';
import type { ConnectionGate } from './connection-limits.ts';
import type { Delivery } from './mailbox/delivery.ts';
import type { MailboxStore } from './mailbox/store.ts';
import type { SubmissionStore } from './message/submissions.ts';
import type { SessionRegistry } from './sessions.ts';
import type { EndpointTls } from './tls/starttls.ts';

export interface MailServices {
  config: Config;
  journal: Journal;
  log: Logger;
  mailboxes: MailboxStore;
  delivery: Delivery;
  submissions: SubmissionStore;
  authenticator: Authenticator;
  registry: SessionRegistry;
  /** Where each connection takes its place under the connection limits (shared by the workers of one start). */
  connections: ConnectionGate;
  tls(id: EndpointConfig['id']): EndpointTls;
}
