// French messages of product accounts, their provisioning and the platform's directory (src/accounts/). Their keys
// start with account., directory. (src/i18n/messages.ts merges every area into the one catalogue).
export const accounts = {
  // Accounts (product accounts of a vendor)
  'account.error.nilRequired': 'La référence produit (NIL) est obligatoire.',
  'account.error.nilFormat':
    'La référence produit (NIL) ne peut contenir que des lettres, des chiffres, « . », ' +
    '« _ » et « - » (40 caractères au plus), comme la colonne « Ref. produit » de Convergence.',
  'account.error.oneIdnatRequired':
    'Renseignez au moins un des deux identifiants : l’identifiant national PSC ou l’identifiant national AUTH_CLI.',
  'account.error.idnatPscFormat':
    'Identifiant national PSC « {idnat} » invalide : attendu 8 + RPPS (12 chiffres, ' +
    'dont le format de test EDIT 87AAMMJJHHMM), 0 + ADELI (10 chiffres) ou une identité EDIT « ANS » suivie de 14 ' +
    'chiffres.',
  'account.error.idnatPscTestDate':
    'Identifiant national PSC « {idnat} » invalide : au format de test 87AAMMJJHHMM, ' +
    'AAMMJJHHMM doit être une date et une heure réelles (la date de création de l’identité).',
  'account.error.idnatPscTestFuture':
    'Identifiant national PSC « {idnat} » invalide : la date de création AAMMJJHHMM ne peut pas être dans le futur.',
  'account.error.idnatAuthCliFormat':
    'Identifiant national AUTH_CLI invalide : attendu le préfixe de la structure suivi de son numéro — 1 + FINESS ' +
    '(9 ou 10 chiffres), 2 + SIREN (9 chiffres) ou 3 + SIRET (14 chiffres). Il doit correspondre au champ OU du ' +
    'certificat ORG_AUTH_CLI.',

  // Accounts (provisioning)
  'account.status.creating': 'En cours de création',
  'account.status.available': 'Disponible',
  'account.status.unavailable': 'Indisponible',
  'account.error.nilTaken': 'La référence produit (NIL) « {nil} » est déjà utilisée par un autre compte.',
  'account.error.idnatTaken': 'L’identifiant national « {idnat} » est déjà utilisé par un autre compte.',
  'account.error.idnatPscOwned':
    'L’identité de test PSC « {idnat} » appartient à une autre organisation : choisissez une identité de votre ' +
    'organisation (page EDIT simulé, /psc/edit).',
  'account.error.mailboxTaken':
    'La BAL {address} existe déjà et appartient à un autre compte (ou est d’un autre type) : ' +
    'elle ne peut pas être rattachée à ce compte.',
  'directory.roleInvalid': 'Rôle inconnu : choisissez parmi {roles}.',
  'directory.organisationRequired': 'Un éditeur appartient à une organisation : indiquez son immatriculation.',
  'directory.organisationForVendors': 'Seuls les éditeurs appartiennent à une organisation.',
  'directory.adminLoginTaken':
    'Le nom d’utilisateur « {login} » est pris par un utilisateur qui n’est pas administrateur : ' +
    'le jeton administrateur local ne peut pas être créé.',
} as const;
