// French messages of the test mailboxes and the autoconfiguration (src/mail/, src/autoconfig/). Their keys start
// with mailbox., autoconfig. (src/i18n/messages.ts merges every area into the one catalogue).
export const mail = {
  // Mailboxes
  'mailbox.invalidAddress': 'Adresse invalide : {address}',
  'mailbox.wrongDomain': 'L’adresse {address} n’appartient pas au domaine {domain}',
  'mailbox.type.personal': 'BAL personnelle (PSC)',
  'mailbox.type.applicative': 'BAL applicative (AUTH_CLI)',
  'mailbox.type.patient': 'adresse patient de test',
  'mailbox.type.test': 'BAL de test',

  // Autoconfiguration
  'autoconfig.displayName': 'Plateforme de tests MSSanté motco (simulation, non ANS)',
  'autoconfig.displayShortName': 'motco',
  'autoconfig.invalidAddress':
    'Paramètre emailaddress invalide : « {address} » (une adresse électronique est attendue, ' +
    'par exemple idnat@domaine).',
  'autoconfig.foreignDomain':
    'Le domaine {domain} n’est pas servi par cette plateforme : son domaine de messagerie est {mailDomain}.',
} as const;
