// The IMAP answer to a mailbox limit the store refused (src/mail/mailbox/store.ts): NO [OVERQUOTA] when the
// mailbox would go over its quota, NO [LIMIT] for the keyword limits (RFC 5530 §3), with the limit named in
// the command's observation.
import { KeywordLimitError, QuotaError } from '../mailbox/store.ts';
import { no, type Reply } from './context.ts';

export function limitRefusal(error: unknown): Reply | undefined {
  if (error instanceof QuotaError) {
    return {
      ...no(
        `Mailbox quota exceeded: at most ${error.limit} ` +
          `${error.resource === 'bytes' ? 'bytes of messages' : 'messages'}`,
        'OVERQUOTA',
      ),
      facts: { limit: `quota_${error.resource}` },
    };
  }
  if (error instanceof KeywordLimitError)
    return { ...no(error.message, 'LIMIT'), facts: { limit: `keywords_${error.limit}` } };
  return undefined;
}
