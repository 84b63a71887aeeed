// The « Attendus » several kinds share: the server to configure and what to prepare for the action, and the
// usual action itself — open INBOX with IMAP, send a message to itself with SMTP.
import { t, type MessageKey } from '../../i18n/messages.ts';
import type { Job } from '../verdicts/types.ts';
import type { AttendusParams, KindInstructions } from './types.ts';

/** Configure the job's server on the LPS, then prepare what the job will ask for. */
export function serverPreparation(p: AttendusParams, prepare: MessageKey): string[] {
  return [t('attendus.configureServer', p), t(prepare, p)];
}

/** Prepare to receive (IMAP) or to send (SMTP). */
export function usualPreparation(job: Job, p: AttendusParams): string[] {
  return serverPreparation(p, job.protocol === 'imap' ? 'attendus.prepareReceive' : 'attendus.prepareSend');
}

/** Open INBOX (IMAP) or send a message to itself (SMTP). */
export function usualInstruction(job: Job, p: AttendusParams): string {
  return t(job.protocol === 'imap' ? 'attendus.doOpenInbox' : 'attendus.doSend', p);
}

/** The Attendus of the kinds whose action is the usual one (tls, imap-access, send, auth-psc, auth-cert). */
export const USUAL_INSTRUCTIONS: KindInstructions = { preparation: usualPreparation, instruction: usualInstruction };
