// French messages of the test PKI (src/pki/): exports, motco pki check, certificate kinds as users read them. Their
// keys start with pki., certificate. (src/i18n/messages.ts merges every area into the one catalogue).
export const pki = {
  // Test PKI
  'pki.invalidIdnat':
    'IdNat invalide « {idnat} » : 1 à 64 caractères parmi A-Z, a-z, 0-9, « . », « _ » et « - » (pas uniquement des ' +
    'points)',
  'pki.suppliedIncomplete': 'Point d’accès {endpoint} : certFile et keyFile doivent être fournis ensemble',
  'pki.suppliedUnusable': 'Point d’accès {endpoint} : certificat fourni inutilisable : {reason}',
  'pki.suppliedNoCertificate': 'aucun certificat PEM dans {file}',
  'pki.suppliedKeyMismatch': 'la clé privée ne correspond pas au certificat',
  'pki.unknownCrl': 'Liste de révocation inconnue : {name}',
  'pki.unknownCa': 'Certificat d’autorité inconnu : {name}',
  'pki.client.defaultOrganisation': 'STRUCTURE DE TEST {idnat} (SIMULATION motco)',
  'pki.client.defaultCommonName': 'SERVICE DE TEST {idnat} (SIMULATION motco)',

  // Health check (motco pki check)
  'pki.check.caOk': 'AC valide jusqu’au {notAfter}, clé RSA de {bits} bits, signature vérifiée',
  'pki.check.evidenceOk':
    'certificat de signature des preuves valide jusqu’au {notAfter}, émis par {root}, ' +
    'réservé à la signature des documents',
  'pki.check.evidencePurpose':
    'n’est pas réservé à la signature des preuves (digitalSignature, id-kp-documentSigning ou emailProtection, ' +
    'pas une AC)',
  'pki.check.validOk': 'certificat valide jusqu’au {notAfter}, chaîne IGC Santé TEST vérifiée, SAN : {names}',
  'pki.check.expiredOk': 'certificat expiré depuis le {notAfter}, chaîne IGC Santé TEST vérifiée',
  'pki.check.revokedOk':
    'certificat révoqué : présent dans la CRL de {ca} et déclaré « revoked » par le répondeur OCSP',
  'pki.check.nonIgcOk':
    'certificat de l’AC non IGC Santé : refusé par la racine IGC Santé TEST, accepté par la racine non IGC',
  'pki.check.suppliedOk': 'certificat fourni par l’opérateur, valide jusqu’au {notAfter}, SAN : {names}',
  'pki.check.crlOk': 'CRL n° {number} signée par l’AC, {count} certificat(s) révoqué(s), valable jusqu’au {nextUpdate}',
  'pki.check.liveOcspOk': 'le répondeur OCSP {url} répond « revoked » pour le point d’accès {endpoint}',
  'pki.check.liveCrlOk':
    'CRL téléchargée depuis {url}, signature vérifiée, certificat du point d’accès {endpoint} présent',
  'pki.check.keyTooSmall': 'clé de {bits} bits (2048 au minimum)',
  'pki.check.outsideValidity': 'hors de sa période de validité ({notBefore} → {notAfter})',
  'pki.check.renewalDue': 'expire le {notAfter}, dans moins de {days} jours',
  'pki.check.notExpired': 'devrait être expiré mais reste valide jusqu’au {notAfter}',
  'pki.check.brokenChain': 'ne se vérifie pas jusqu’à {root}',
  'pki.check.chainsToIgc': 'se vérifie jusqu’à la racine IGC Santé TEST alors qu’il ne le devrait pas',
  'pki.check.missingName': 'le nom {host} manque dans le SAN',
  'pki.check.notInCrl': 'absent de la CRL de {ca}',
  'pki.check.ocspStatus': 'le répondeur OCSP répond « {status} » au lieu de « {expected} »',
  'pki.check.ocspUnsigned': 'réponse OCSP non signée par {ca}',
  'pki.check.crlBadSignature': 'signature de la CRL invalide',
  'pki.check.crlStale': 'CRL périmée (prochaine mise à jour prévue le {nextUpdate})',
  'pki.check.httpFailed': 'échec de la requête {url} : {message}',
  'pki.trustReadme': `Matériel de confiance de la plateforme de tests motco — exporté le {date}

ATTENTION : ces autorités de certification sont SIMULÉES par motco. Ce ne sont pas les AC de l’ANS ;
ne les installez que sur un poste ou un environnement de test.

igc-sante-test-roots.pem
  Racine « IGC Santé TEST » simulée et AC « Organisations » simulée (comme le paquet officiel de
  l’IGC Santé, qui fournit les deux). Seule confiance à configurer dans le LPS : un client conforme
  accepte les points d’accès valides et refuse les autres.

non-igc-root.pem
  Racine d’une AC commerciale fictive (hors IGC Santé). Elle signe les certificats des points d’accès
  « nonigc ». Les tests « AC non IGC Santé » demandent de l’installer dans le magasin de confiance du
  système, pour vérifier que le LPS refuse malgré tout un serveur qui n’est pas certifié par l’IGC Santé.

motco-evidence-root.pem
  Racine des preuves de cette plateforme (pas une AC de test, et rien à voir avec l’IGC Santé) : elle
  vérifie la signature des dossiers de preuves (manifest.json.p7s), avec « openssl cms -verify … -CAfile
  motco-evidence-root.pem » ou « motco dossier verify ». Ne l’installez pas dans un magasin de confiance TLS.

*.crl et *.crl.pem
  Listes de révocation (CRL) de chaque AC, au format DER et PEM. Le certificat des points d’accès
  « revoq » y figure. Elles sont aussi publiées en HTTP aux adresses indiquées dans les certificats,
  avec un répondeur OCSP : {ocsp}
`,

  // Certificate kinds as shown to users
  'certificate.valid': 'valide (IGC Santé TEST simulée)',
  'certificate.non-igc': 'valide, AC non IGC Santé',
  'certificate.expired': 'expiré',
  'certificate.revoked': 'révoqué',
} as const;
