// The one catalogue of user-facing text, in French. Code refers to messages by key; `{name}` is replaced
// by the parameter of that name.
const fr = {
  // Configuration
  'config.invalid': 'Paramètre de configuration invalide « {setting} » ({source}) : {message}',
  'config.fileNotObject': 'le fichier doit contenir un objet JSON',
  'config.unknownVariable': 'variable inconnue (aucun paramètre ne porte ce nom)',
  'config.sourceEnv': 'variable d’environnement {name}',
  'config.sourceFlag': 'option de ligne de commande',
  'config.sourceDefault': 'valeur par défaut',
  'config.portClash': 'le port {port} est déjà utilisé par {other}',

  // Command line
  'cli.usage': `Usage : motco <commande> [options]

Commandes :
  start [--data DIR]                      démarre la plateforme complète
  endpoints [--json]                      affiche la table des points d’accès
  mailbox add ADRESSE [--type TYPE]       crée une boîte aux lettres de test (TYPE : personal, applicative, test)
  mailbox list [--json]                   liste les boîtes aux lettres de test
  journal [--follow] [--json] [filtres]   affiche le journal des observations
          filtres : --mailbox ADR --ip IP --endpoint ID --since DATE --until DATE --session ID --kind TYPE --limit N
  pki export --out DIR                    exporte les racines de confiance et la CRL
  pki issue-client --idnat ID --out DIR   émet un certificat client ORG_AUTH_CLI (PEM et PKCS#12)
  pki check [--url BASE]                  vérifie la PKI de test (et, avec --url, le répondeur OCSP et la CRL en ligne)

Options communes : --data DIR (dossier de données), --config FICHIER`,
  'cli.unknownCommand': 'Commande inconnue : {command}',
  'cli.badOption': 'Option invalide : {message}',
  'cli.missingArgument': 'Argument manquant : {name}',
  'cli.failed': 'Erreur : {message}',
  'cli.started': 'Plateforme motco démarrée.',
  'cli.dataFolder': 'Dossier de données : {dir}',
  'cli.webBase': 'Serveur web (CRL, OCSP) : {url}',
  'cli.mailDomain': 'Domaine de messagerie : {domain} (patients : {patient})',
  'cli.stopping': 'Arrêt de la plateforme…',
  'cli.endpointTableHeader': 'Point d’accès|Nom d’hôte|Adresse|IMAP (STARTTLS)|SMTP (STARTTLS)|Certificat',
  'cli.mailboxCreated': 'Boîte aux lettres créée : {address} ({type})',
  'cli.mailboxExists': 'La boîte aux lettres existe déjà : {address}',
  'cli.pkiExported': 'Fichiers écrits dans {dir} :',
  'cli.pkiIssued': 'Certificat ORG_AUTH_CLI émis pour {idnat} dans {dir} (mot de passe PKCS#12 : {password}) :',
  'cli.pkiCheckOk': 'PKI de test : toutes les vérifications sont réussies.',
  'cli.pkiCheckFailed': 'PKI de test : {count} vérification(s) en échec.',

  // Test PKI
  'pki.invalidIdnat': 'IdNat invalide « {idnat} » : 1 à 64 caractères parmi A-Z, a-z, 0-9, « . », « _ » et « - » (pas uniquement des points)',
  'pki.suppliedIncomplete': 'Point d’accès {endpoint} : certFile et keyFile doivent être fournis ensemble',
  'pki.suppliedUnusable': 'Point d’accès {endpoint} : certificat fourni inutilisable : {reason}',
  'pki.suppliedNoCertificate': 'aucun certificat PEM dans {file}',
  'pki.suppliedKeyMismatch': 'la clé privée ne correspond pas au certificat',
  'pki.unknownCrl': 'Liste de révocation inconnue : {name}',
  'pki.unknownCa': 'Certificat d’autorité inconnu : {name}',
  'pki.client.defaultOrganisation': 'STRUCTURE DE TEST {idnat} (SIMULATION motco)',
  'pki.client.defaultCommonName': 'SERVICE DE TEST {idnat} (SIMULATION motco)',

  // Health check (motco pki check)
  'pki.check.caOk': 'AC valide jusqu’au {notAfter}, clé RSA de {bits} bits, signature vérifiée',
  'pki.check.validOk': 'certificat valide jusqu’au {notAfter}, chaîne IGC Santé TEST vérifiée, SAN : {names}',
  'pki.check.expiredOk': 'certificat expiré depuis le {notAfter}, chaîne IGC Santé TEST vérifiée',
  'pki.check.revokedOk': 'certificat révoqué : présent dans la CRL de {ca} et déclaré « revoked » par le répondeur OCSP',
  'pki.check.nonIgcOk': 'certificat de l’AC non IGC Santé : refusé par la racine IGC Santé TEST, accepté par la racine non IGC',
  'pki.check.suppliedOk': 'certificat fourni par l’opérateur, valide jusqu’au {notAfter}, SAN : {names}',
  'pki.check.crlOk': 'CRL n° {number} signée par l’AC, {count} certificat(s) révoqué(s), valable jusqu’au {nextUpdate}',
  'pki.check.liveOcspOk': 'le répondeur OCSP {url} répond « revoked » pour le point d’accès {endpoint}',
  'pki.check.liveCrlOk': 'CRL téléchargée depuis {url}, signature vérifiée, certificat du point d’accès {endpoint} présent',
  'pki.check.keyTooSmall': 'clé de {bits} bits (2048 au minimum)',
  'pki.check.outsideValidity': 'hors de sa période de validité ({notBefore} → {notAfter})',
  'pki.check.renewalDue': 'expire le {notAfter}, dans moins de {days} jours',
  'pki.check.notExpired': 'devrait être expiré mais reste valide jusqu’au {notAfter}',
  'pki.check.brokenChain': 'ne se vérifie pas jusqu’à {root}',
  'pki.check.chainsToIgc': 'se vérifie jusqu’à la racine IGC Santé TEST alors qu’il ne le devrait pas',
  'pki.check.missingName': 'le nom {host} manque dans le SAN',
  'pki.check.notInCrl': 'absent de la CRL de {ca}',
  'pki.check.ocspStatus': 'le répondeur OCSP répond « {status} » au lieu de « {expected} »',
  'pki.check.ocspUnsigned': 'réponse OCSP non signée par {ca}',
  'pki.check.crlBadSignature': 'signature de la CRL invalide',
  'pki.check.crlStale': 'CRL périmée (prochaine mise à jour prévue le {nextUpdate})',
  'pki.check.httpFailed': 'échec de la requête {url} : {message}',

  'pki.trustReadme': `Matériel de confiance de la plateforme de tests motco — exporté le {date}

ATTENTION : ces autorités de certification sont SIMULÉES par motco. Ce ne sont pas les AC de l’ANS ;
ne les installez que sur un poste ou un environnement de test.

igc-sante-test-roots.pem
  Racine « IGC Santé TEST » simulée et AC « Organisations » simulée (comme le paquet officiel de
  l’IGC Santé, qui fournit les deux). Seule confiance à configurer dans le LPS : un client conforme
  accepte les points d’accès valides et refuse les autres.

non-igc-root.pem
  Racine d’une AC commerciale fictive (hors IGC Santé). Elle signe les certificats des points d’accès
  « nonigc ». Les tests « AC non IGC Santé » demandent de l’installer dans le magasin de confiance du
  système, pour vérifier que le LPS refuse malgré tout un serveur qui n’est pas certifié par l’IGC Santé.

*.crl et *.crl.pem
  Listes de révocation (CRL) de chaque AC, au format DER et PEM. Le certificat des points d’accès
  « revoq » y figure. Elles sont aussi publiées en HTTP aux adresses indiquées dans les certificats,
  avec un répondeur OCSP : {ocsp}
`,

  // Certificate kinds as shown to users
  'certificate.valid': 'valide (IGC Santé TEST simulée)',
  'certificate.non-igc': 'valide, AC non IGC Santé',
  'certificate.expired': 'expiré',
  'certificate.revoked': 'révoqué',

  // Mailboxes
  'mailbox.invalidAddress': 'Adresse invalide : {address}',
  'mailbox.wrongDomain': 'L’adresse {address} n’appartient pas au domaine {domain}',
  'mailbox.type.personal': 'BAL personnelle (PSC)',
  'mailbox.type.applicative': 'BAL applicative (AUTH_CLI)',
  'mailbox.type.patient': 'adresse patient de test',
  'mailbox.type.test': 'BAL de test',

  // Accounts (product accounts of a vendor)
  'account.error.nilRequired': 'La référence produit (NIL) est obligatoire.',
  'account.error.nilFormat': 'La référence produit (NIL) ne peut contenir que des lettres, des chiffres, « . », « _ » et « - » (40 caractères au plus), comme la colonne « Ref. produit » de Convergence.',
  'account.error.oneIdnatRequired': 'Renseignez au moins un des deux identifiants : l’identifiant national PSC ou l’identifiant national AUTH_CLI.',
  'account.error.idnatPscFormat': 'Identifiant national PSC « {idnat} » invalide : attendu 8 + RPPS (12 chiffres, dont le format de test EDIT 87AAMMJJHHMM), 0 + ADELI (10 chiffres) ou une identité EDIT « ANS » suivie de 14 chiffres.',
  'account.error.idnatPscTestDate': 'Identifiant national PSC « {idnat} » invalide : au format de test 87AAMMJJHHMM, AAMMJJHHMM doit être une date et une heure réelles (la date de création de l’identité).',
  'account.error.idnatPscTestFuture': 'Identifiant national PSC « {idnat} » invalide : la date de création AAMMJJHHMM ne peut pas être dans le futur.',
  'account.error.idnatAuthCliFormat': 'Identifiant national AUTH_CLI invalide : attendu le préfixe de la structure suivi de son numéro — 1 + FINESS (9 ou 10 chiffres), 2 + SIREN (9 chiffres) ou 3 + SIRET (14 chiffres). Il doit correspondre au champ OU du certificat ORG_AUTH_CLI.',
} as const;

export type MessageKey = keyof typeof fr;

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return fr[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
