// E-mail addresses of test mailboxes: parsing, normalisation and which of our domains they belong to.
export interface ParsedAddress {
  local: string;
  domain: string;
  /** local@domain with the domain lower-cased (local parts stay as given: RFC 5321 §2.4). */
  address: string;
}

// Dot-atom local part or a quoted string; a domain of letters, digits, hyphens and dots. Deliberately stricter
// than RFC 5322: test mailbox addresses are IdNats and INS matricules.
const LOCAL = /^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*|"(?:[^"\\\r\n]|\\.){1,64}")$/;
const DOMAIN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function parseAddress(input: string): ParsedAddress | undefined {
  const text = input.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1 || text.length > 320) return undefined;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1).toLowerCase();
  if (local.length > 64 || !LOCAL.test(local) || !DOMAIN.test(domain)) return undefined;
  return { local, domain, address: `${local}@${domain}` };
}
