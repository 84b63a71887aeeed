// FETCH ENVELOPE (RFC 3501 §7.4.2): date, subject, the address lists split into (name adl mailbox host),
// groups as (NIL NIL "group" NIL) … (NIL NIL NIL NIL), in-reply-to and message-id. Values stay as written
// (encoded words included), as Dovecot and other servers return them.
import { parseAddressList, type ParsedMailbox } from '../message/address-list.ts';
import { headerValue, type HeaderField } from '../message/headers.ts';
import { Adjacent, nstr, type Wire } from './wire.ts';

export function envelope(headers: HeaderField[]): Wire {
  const value = (name: string) => headerValue(headers, name);
  const from = addressList(value('From'));
  return [
    nstr(value('Date')),
    nstr(value('Subject')),
    from,
    addressList(value('Sender')) ?? from,
    addressList(value('Reply-To')) ?? from,
    addressList(value('To')),
    addressList(value('Cc')),
    addressList(value('Bcc')),
    nstr(value('In-Reply-To')),
    nstr(value('Message-ID')),
  ];
}

/** An address list as IMAP address structures, side by side in parentheses; null (NIL) when there is none. */
function addressList(text: string | undefined): Wire[] | null {
  if (!text) return null;
  const addresses = parseAddressList(text).flatMap((entry): Wire[] => {
    if (entry.kind === 'group')
      return [[null, null, nstr(entry.name), null], ...entry.members.map(toWire), [null, null, null, null]];
    return [toWire(entry)];
  });
  return addresses.length > 0 ? [new Adjacent(addresses)] : null;
}

function toWire(address: ParsedMailbox): Wire {
  return [
    nstr(address.name),
    nstr(address.route),
    nstr(address.local || 'MISSING_MAILBOX'),
    nstr(address.domain || 'MISSING_DOMAIN'),
  ];
}
