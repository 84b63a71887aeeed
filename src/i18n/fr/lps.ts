// French messages of the reference LPS (src/lps/) and what the platform's mail clients report (src/mail/client/).
// Their keys start with lps. (src/i18n/messages.ts merges every area into the one catalogue).
export const lps = {
  // Reference LPS
  'lps.shown.closed': '(connexion fermée)',
  'lps.shown.initialResponse': '<réponse initiale>',
  'lps.shown.saslResponse': '<réponse SASL>',
  'lps.shown.emptyLine': '(ligne vide)',
  'lps.shown.password': '<mot de passe>',
  'lps.shown.message': '<message de {size} octets>',
  'lps.error.unknownJob': 'Test inconnu : {job} (identifiant de test unitaire ou de dossier attendu)',
  'lps.error.faultNotApplicable': 'Le défaut {fault} ne s’applique pas au test {job} (voir motco lps --list-faults)',
  'lps.error.unknownFault': 'Défaut inconnu : {fault} (voir motco lps --list-faults)',
  'lps.error.noPersonalMailbox':
    'Le compte n’a pas de BAL personnelle (IdNat PSC) : les tests « MIE PSC » ne peuvent pas être joués.',
  'lps.error.noApplicativeMailbox':
    'Le compte n’a pas de BAL applicative (IdNat AUTH_CLI) : les tests « MIE AUTH_CLI » ne peuvent pas être joués.',
  'lps.error.noTokens': 'Aucune source de jetons PSC : les tests « MIE PSC » ne peuvent pas être joués.',
  'lps.error.noClientCertificate':
    'Aucun certificat ORG_AUTH_CLI pour la BAL applicative (motco pki issue-client --idnat IDNAT).',
  'lps.error.noForeignCertificate':
    'Le défaut wrong-ou demande le certificat ORG_AUTH_CLI d’une autre structure (motco pki issue-client --idnat ' +
    'AUTRE).',
  'lps.error.noPatientAddress': 'Le compte n’a pas d’adresse patient de test (option --patient).',
  'lps.error.unknownEndpoint': 'Point d’accès inconnu : {endpoint}',
  'lps.step.connect': 'Connexion {protocol} à {host} ({address}:{port}) depuis le port local {localPort}',
  'lps.step.greeting': 'Accueil du serveur : {reply}',
  'lps.step.exchange': '{sent} → {reply}',
  'lps.step.tls': 'TLS établi : {version}, {cipher}',
  'lps.step.tlsFailed': 'Négociation TLS en échec : {code} ({error})',
  'lps.step.crl': 'CRL {url} téléchargée : {outcome}',
  'lps.step.crlCached': 'CRL {url} : copie en cache encore valide',
  'lps.step.certificateAccepted':
    'Certificat du serveur vérifié (chaîne IGC Santé, validité, nom d’hôte, révocation par CRL) : {subject}',
  'lps.step.certificateNoRevocation':
    'Certificat du serveur accepté sans vérifier sa révocation (défaut no-revocation-check) : {subject}',
  'lps.step.certificateNotChecked':
    'Certificat du serveur accepté sans aucune vérification (défaut accept-bad-certificate) : {subject}',
  'lps.step.certificateRefused':
    'Certificat du serveur refusé ({reason} : {detail}) : connexion fermée sans envoyer de commande',
  'lps.refusal.untrusted': 'non émis par l’IGC Santé',
  'lps.refusal.expired': 'expiré',
  'lps.refusal.hostname': 'nom d’hôte non couvert',
  'lps.refusal.revoked': 'révoqué',
  'lps.refusal.revocation-unknown': 'révocation invérifiable',
  'lps.step.token': 'Jeton d’accès PSC prêt (expire à {expires})',
  'lps.step.tokenWait': 'Attente de l’expiration du jeton d’accès PSC ({seconds} s)',
  'lps.step.message': 'Message pour {to} ; en-têtes MSSanté : {headers} ; pièces jointes : {attachments}',
  'lps.step.noMssHeader': 'aucun',
  'lps.step.autoconfigHttp': 'Autoconfiguration : GET {url} → {status}',
  'lps.step.autoconfigDns': 'Autoconfiguration : SRV {name} → {host} port {port}',
  'lps.step.autoconfigFound':
    'Serveur {protocol} annoncé : {host} port {port} (STARTTLS), identifiant {username}, ' +
    'authentification {authentication}',
  'lps.step.autoconfigNone': 'Aucun serveur {protocol} STARTTLS annoncé par {source}',
  'lps.step.methodNotAdvertised': 'La méthode d’authentification de la BAL ({method}) n’est pas annoncée',
  'lps.step.resolved': '{host} résolu en {address}',
  'lps.step.hardCoded': 'Paramètres saisis en dur, sans autoconfiguration (défaut no-autoconfig) : {host} port {port}',
  'lps.step.waitClose': 'Session gardée ouverte : attente de sa fermeture par la plateforme (au plus {seconds} s)',
  'lps.step.notClosed': 'La plateforme n’a pas fermé la session dans le temps imparti',
  'lps.step.serverClosed': 'Session fermée par la plateforme : {reply}',
  'lps.step.reconnect': 'Reconnexion automatique, sans redémarrage du LPS',
  'lps.step.noReconnect': 'Pas de reconnexion (défaut no-reconnection)',
  'lps.step.error': 'Erreur : {message}',
  'lps.message.subject': 'Test motco — {title}',
  'lps.message.body': 'Message envoyé par le LPS de référence motco pour le test « {title} » ({id}).',
  'lps.fault.forbidden-suite': 'Propose aussi une suite TLS 1.2 interdite (TLS_RSA_WITH_AES_128_CBC_SHA)',
  'lps.fault.missing-suites': 'Ne propose que les 4 suites ECDHE (les 2 suites DHE autorisées manquent)',
  'lps.fault.tls11': 'Ne parle que TLS 1.1',
  'lps.fault.accept-bad-certificate':
    'Accepte tout certificat serveur (expiré, révoqué, non IGC Santé) et envoie ses identifiants',
  'lps.fault.no-revocation-check': 'Ne vérifie pas la révocation (ni CRL ni OCSP) : accepte le certificat révoqué',
  'lps.fault.auth-before-starttls': 'S’authentifie en clair avant STARTTLS (puis recommence après)',
  'lps.fault.login-instead-of-xoauth2':
    'BAL personnelle : LOGIN (IMAP) ou AUTH LOGIN (SMTP) avec le mot de passe webmail au lieu de XOAUTH2',
  'lps.fault.oauthbearer': 'BAL personnelle : OAUTHBEARER au lieu de XOAUTH2',
  'lps.fault.wrong-user': 'Identifiant = IdNat au lieu de l’adresse de la BAL (user= de XOAUTH2, login PLAIN)',
  'lps.fault.expired-token': 'Présente un jeton d’accès PSC expiré (à la reconnexion pour la réouverture de session)',
  'lps.fault.id-token': 'Présente le jeton d’identité (ID token) au lieu du jeton d’accès',
  'lps.fault.no-client-certificate': 'BAL applicative : aucun certificat client ORG_AUTH_CLI dans la négociation TLS',
  'lps.fault.wrong-ou': 'BAL applicative : certificat ORG_AUTH_CLI émis pour une autre structure (OU différente)',
  'lps.fault.missing-nil': 'Message sans en-tête X-MSS-NIL',
  'lps.fault.wrong-nil': 'X-MSS-NIL différent de la référence produit du compte',
  'lps.fault.wrong-codecda': 'X-MSS-CODECDA différent du code du document CDA',
  'lps.fault.wrong-ins': 'X-MSS-INS à N alors que le CDA porte un INS',
  'lps.fault.missing-mes': 'Message au patient sans en-tête X-MSS-MES: FIN',
  'lps.fault.no-autoconfig': 'Paramètres de serveur saisis en dur, sans autoconfiguration',
  'lps.fault.no-reconnection': 'Ne rouvre pas de session après la fermeture par la plateforme',
  'lps.fault.no-inbox': 'N’ouvre jamais la boîte de réception (sélectionne un autre répertoire)',
  'lps.cli.play': '▶ {title} [{id}] — {mode}',
  'lps.cli.conformant': 'LPS conforme',
  'lps.cli.withFault': 'défaut {fault} : {description}',
  'lps.cli.expectedOk': '  Verdict attendu de la plateforme : OK',
  'lps.cli.expectedKo': '  Verdict attendu de la plateforme : KO, contrôle « {check} » en échec',
  'lps.cli.incomplete': '  Le jeu s’est arrêté avant la fin (voir la dernière étape).',
  'lps.cli.faultJobs': 'tests : {jobs}',
  'lps.cli.faultCheck': 'contrôle en échec attendu : {checks}',
  'lps.cli.missingJob': 'Argument manquant : JOB (test unitaire ou dossier), ou --follow EXECUTION, ou --list-faults',
  'lps.cli.unknownAccount':
    'Compte {nil} inconnu : décrivez-le avec --idnat-psc, --idnat-auth-cli ou --mailbox (et --patient pour le test ' +
    'patient).',
  'lps.cli.unknownMailbox': 'BAL personnelle ou applicative inconnue : {address}',
  'lps.cli.platformUnreachable':
    'La plateforme ne répond pas sur {url} ({message}) : démarrez-la (motco start) avec les mêmes --data et --config.',
  'lps.cli.unknownExecution': 'Exécution inconnue : #{id}',
  'lps.cli.notYourExecution': 'L’exécution #{id} n’est pas une exécution du compte {nil}.',
  'lps.cli.followStart': 'Suivi de l’exécution #{id} : chaque test est joué dès que la plateforme l’écoute.',
  'lps.cli.followEnd': 'Exécution #{id} terminée : {verdict}',
} as const;
