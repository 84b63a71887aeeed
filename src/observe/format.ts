// One-line rendering of an observation for `motco journal`: when, where, who, then the fact in French (the
// same sentence the runner's live log uses).
import type { Observation } from './journal.ts';
import { isoLocal } from '../i18n/time.ts';
import { narrate } from './narrate.ts';

export function formatObservation(o: Observation): string {
  const where = [o.endpoint, o.protocol].filter(Boolean).join('/');
  const who = o.clientIp ? `${o.clientIp}${o.clientPort ? `:${o.clientPort}` : ''}` : '';
  const session = o.sessionId ? `s=${o.sessionId.slice(0, 8)}` : '';
  const mailbox = o.mailbox ? `<${o.mailbox}>` : '';
  return [isoLocal(o.at), `#${o.id}`, where, who, session, mailbox, o.kind, narrate(o) ?? JSON.stringify(o.data)]
    .filter(Boolean)
    .join(' ');
}
