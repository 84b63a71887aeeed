// French messages of the catalogue (src/catalogue/): what each check verifies, what was observed, what to correct,
// verdict names and the jobs' Attendus. Their keys start with check., detail., fix., explain., verdict., attendus.
// (src/i18n/messages.ts merges every area into the one catalogue).
export const catalogue = {
  // Verdicts: what each check verifies (labels) and what was observed (details)
  'check.connection': 'Connexion du client',
  'check.starttls': 'STARTTLS avant toute commande sensible',
  'check.client-hello': 'ClientHello reçu',
  'check.offered-suites': 'Suites de chiffrement proposées',
  'check.version': 'Version TLS 1.2 ou supérieure',
  'check.forbidden-suites': 'Aucune suite TLS 1.2 hors des six autorisées',
  'check.all-suites': 'Les six suites autorisées sont proposées',
  'check.negotiated-suite': 'Suite négociée autorisée',
  'check.mechanism': 'Mécanisme d’authentification',
  'check.user': 'Identifiant de connexion = adresse de la BAL',
  'check.token': 'Jeton d’accès Pro Santé Connect valide',
  'check.command-after-auth': 'Commandes envoyées après l’authentification réussie',
  'check.client-certificate': 'Certificat client ORG_AUTH_CLI IGC Santé valide',
  'check.certificate-ou': 'OU du certificat = identifiant national AUTH_CLI',
  'check.server-accepted': 'Authentification acceptée par le serveur',
  'check.inbox-opened': 'Ouverture de la boîte de réception (INBOX)',
  'check.message-accepted': 'Message accepté (250 après DATA)',
  'check.xdm-attachment': 'Pièce jointe IHE_XDM.ZIP contenant un document CDA',
  'check.header-nil': 'En-tête X-MSS-NIL (MSS-CONF.16)',
  'check.header-codecda': 'En-tête X-MSS-CODECDA (MSS-CONF.15)',
  'check.header-ins': 'En-tête X-MSS-INS (MSS-CONF.14)',
  'check.patient-message': 'Message à l’adresse patient de test',
  'check.header-mes': 'En-tête X-MSS-MES: FIN (MSS-CONF.21)',
  'check.certificate-refused': 'Certificat du serveur rejeté par le client',
  'check.revocation-means': 'Moyens de vérification de la révocation utilisés',
  'check.autoconfig-lookup': 'Requête d’autoconfiguration (HTTP ou DNS)',
  'check.advertised-connection': 'Connexion au serveur annoncé par l’autoconfiguration',
  'check.authenticated': 'Authentification de la BAL',
  'check.first-session-closed': 'Première session fermée par la plateforme',
  'check.new-session': 'Nouvelle session ouverte et authentifiée par le client',
  'check.inbox-reopened': 'Boîte de réception rouverte',
  'check.authentication': 'Authentification de la BAL',
  'check.seen-other-address': 'Sessions de vos BAL depuis une autre adresse',
  'check.seen-other-endpoint': 'Sessions de vos BAL sur un autre point d’accès',
  'check.seen-unauthenticated': 'Connexions non authentifiées depuis l’adresse du test',
  'check.seen-claimed': 'Connexions nommant vos BAL sans s’authentifier',
  'detail.yes': 'oui',
  'detail.no': 'non',
  'detail.noConnection':
    'Aucune connexion observée sur le point d’accès {endpoint} ({protocol}) pendant le délai d’écoute.',
  'detail.commandsBeforeTls': 'Commandes envoyées en clair avant STARTTLS : {commands}.',
  'detail.noTls': 'Aucune session TLS établie.',
  'detail.starttlsOk': 'STARTTLS puis {version} avant toute commande sensible.',
  'detail.noClientHello': 'Aucun ClientHello reçu après STARTTLS.',
  'detail.offeredSuites': 'Le client propose jusqu’à {version} avec {count} suites : {suites}.',
  'detail.versionOk': 'Version négociée : {version}.',
  'detail.versionTooLow': 'Version insuffisante : {version} (TLS 1.2 au minimum).',
  'detail.versionOfferedTooLow':
    'Le client ne propose pas mieux que {version} : TLS 1.2 au minimum est exigé, la plateforme refuse la négociation.',
  'detail.handshakeFailed': 'La négociation TLS a échoué : {detail}.',
  'detail.forbiddenSuites': 'Suites non autorisées proposées : {suites}.',
  'detail.noForbiddenSuite': 'Aucune suite TLS 1.2 hors de la liste du référentiel.',
  'detail.missingSuites': 'Suites autorisées manquantes : {suites}.',
  'detail.noTls12':
    'Le client ne propose pas du tout TLS 1.2 (versions proposées : {versions}) ; TLS 1.3 est permis, ' +
    'mais les 6 suites TLS 1.2 autorisées doivent être proposées (FAQ du manuel : « L’éditeur doit impérativement ' +
    'exposer les 6 suites »). Suites manquantes : {suites}.',
  'detail.noTls12Suite':
    'Le client ne propose aucune suite TLS 1.2 (seulement des suites TLS 1.3) ; les 6 suites TLS 1.2 autorisées ' +
    'doivent être proposées (FAQ du manuel : « L’éditeur doit impérativement exposer les 6 suites »). ' +
    'Suites manquantes : {suites}.',
  'detail.allSuites': 'Les six suites du référentiel sont proposées.',
  'detail.negotiatedOk': 'Suite négociée : {cipher}.',
  'detail.negotiatedForbidden': 'Suite négociée non autorisée : {cipher}.',
  'detail.noAuth': 'Aucune authentification observée.',
  'detail.wrongMechanism': 'Mécanisme utilisé : {used} ; attendu : {expected}.',
  'detail.mechanismOk': 'Mécanisme {mechanism}.',
  'detail.wrongUser': 'Identifiant « {user} » au lieu de l’adresse de la BAL {expected}.',
  'detail.userOk': 'Identifiant : {user}.',
  'detail.tokenRefused': 'Jeton refusé : {reason}.',
  'detail.tokenOk': 'Jeton d’accès vérifié (SubjectNameID {subject}, acr {acr}).',
  'detail.tokenUnverified': 'Le jeton n’a pas pu être vérifié.',
  'detail.tokenAbandoned': 'L’échange XOAUTH2 a été abandonné avant l’envoi du jeton : aucun jeton à vérifier.',
  'detail.commandAfterAuth': 'Commande {command} envoyée après l’authentification.',
  'detail.noCommandAfterAuth': 'Aucune commande après l’authentification.',
  'detail.noClientCertificate': 'Aucun certificat client présenté lors de la négociation TLS.',
  'detail.clientCertificateRefused': 'Certificat client non valide : {problems}.',
  'detail.clientCertificateOk': 'Certificat client valide : {subject}.',
  'detail.ouOk': 'OU du certificat : {ou}.',
  'detail.wrongOu': 'OU du certificat « {ou} » au lieu de {expected}.',
  'detail.serverAccepted': 'Le serveur a accepté l’authentification.',
  'detail.serverRefused': 'Le serveur a refusé l’authentification ({reason}).',
  'detail.inboxOpened': 'Boîte de réception ouverte ({command} INBOX).',
  'detail.inboxRefused': 'L’ouverture de INBOX a été refusée.',
  'detail.inboxNotOpened': 'La boîte de réception (INBOX) n’a pas été ouverte.',
  'detail.messageToSelf': 'Message de {mailbox} à elle-même accepté.',
  'detail.messageNotToSelf': 'Un message a été accepté, mais pas de {mailbox} à elle-même.',
  'detail.noMessage': 'Aucun message accepté.',
  'detail.messageAccepted': 'Message accepté.',
  'detail.noXdm': 'Le message ne contient pas de pièce jointe IHE_XDM.ZIP avec un document CDA.',
  'detail.noMessageToSelf': 'Aucun message de {mailbox} à elle-même.',
  'detail.xdmFound': 'IHE_XDM.ZIP avec {count} document(s) CDA, code(s) : {codes}.',
  'detail.headerMissing': 'En-tête {name} absent (attendu : {expected}).',
  'detail.headerOk': '{name} : {value}.',
  'detail.headerWrong': '{name} : « {value} » au lieu de « {expected} ».',
  'detail.noPatientMessage': 'Aucun message à l’adresse patient de test {patient}.',
  'detail.patientMessage': 'Message à l’adresse patient {patient} accepté.',
  'detail.helloReceived': 'ClientHello reçu (jusqu’à {version}, SNI {sni}).',
  'detail.serverRefusedHandshake':
    'La négociation a échoué côté serveur ({detail}) : le rejet du certificat n’a pas pu être observé.',
  'detail.handshakeNotFinished': 'Négociation TLS en cours.',
  'detail.credentialsSentToBadServer':
    'CRITIQUE : le client a accepté le certificat et envoyé ses identifiants ({commands}).',
  'detail.commandsAfterBadTls': 'Le client a accepté le certificat et envoyé des commandes ({commands}).',
  'detail.waitingAfterTls': 'Session TLS ouverte : en attente de la fermeture ou d’une commande du client.',
  'detail.revocationMeans':
    'CRL téléchargée : {crl} ; OCSP interrogé : {ocsp} ; réponse OCSP agrafée demandée : {stapling}.',
  'detail.noLookup': 'Aucune requête d’autoconfiguration (paramètres saisis en dur ?).',
  'detail.lookupSeen': 'Autoconfiguration : {methods} ; serveurs annoncés : {advertised}.',
  'detail.noConnectionAfterLookup': 'Aucune connexion après la requête d’autoconfiguration.',
  'detail.connectedAsAdvertised': 'Connexion au serveur annoncé ({endpoint}, port {port}).',
  'detail.connectedElsewhere': 'Connexion à {endpoint} port {port}, qui n’a pas été annoncé.',
  'detail.hardCodedSettings': 'Connexion sans autoconfiguration préalable (paramètres saisis en dur).',
  'detail.authenticatedAs': 'BAL {mailbox} authentifiée ({mechanism}).',
  'detail.notAuthenticatedAs': 'La BAL {mailbox} ne s’est pas authentifiée.',
  'detail.reopenWaitingSelect': 'Session authentifiée : en attente de la sélection d’un dossier autre que INBOX.',
  'detail.reopenWaitingMessage': 'Session authentifiée : en attente d’un premier message accepté.',
  'detail.reopenClosed': 'La plateforme a fermé la session {protocol} du client.',
  'detail.noNewSession': 'Le client n’a pas rouvert de session.',
  'detail.reopenRefused': 'Le client a rouvert une session mais son authentification a été refusée : {reason}.',
  'detail.reopenNotAuthenticated': 'Le client a rouvert une session sans s’authentifier.',
  'detail.reopenOk': 'Nouvelle session authentifiée {seconds} s après la fermeture.',

  // Verdict truth (issue 11): neutral « non évalué », what an INCONCLUSIVE saw instead, « Que corriger »
  'detail.notEvaluated': 'Non évalué : le verdict était acquis (échec décisif) avant que ce point puisse être observé.',
  'detail.credentialsBeforeTls': 'Identifiants envoyés en clair avant STARTTLS ({commands}).',
  'detail.tlsNotEstablished': 'STARTTLS envoyé, mais aucune session TLS n’a été établie : {reason}.',
  'detail.noAuthTlsOnly': 'Aucune authentification sur cette session : seule la négociation TLS est jugée.',
  'detail.certificateAlert':
    'Le client a refusé le certificat du serveur : il a interrompu la négociation TLS avec l’alerte {alert}.',
  'detail.otherAlert':
    'Le client a interrompu la négociation TLS avec l’alerte {alert}, qui ne désigne pas le certificat : ' +
    'il n’a pas poursuivi la session.',
  'detail.abortedWithoutAlert':
    'Le client a mis fin à la négociation TLS sans alerte ({reason}) : il n’a pas poursuivi la session, ' +
    'sans qu’on puisse dire s’il a vérifié le certificat.',
  'detail.closedAfterHandshake':
    'Le client a terminé la négociation TLS puis fermé la connexion, sans alerte, sans identifiants ni commande : ' +
    'il n’a pas poursuivi la session, sans qu’on puisse dire s’il a vérifié le certificat.',
  'explain.otherAddress':
    '{mailboxes} s’est connectée depuis {addresses}, et non depuis l’adresse IP du test ({ip}) : ' +
    'si c’est votre LPS, corrigez l’option « Adresse IP » (derrière un NAT ou un proxy, ' +
    'c’est l’adresse publique de sortie qui compte).',
  'explain.otherEndpoint':
    '{mailboxes} s’est connectée sur {places} et non sur {expected} : vérifiez le serveur, ' +
    'le port et le protocole configurés dans le LPS pour ce test.',
  'explain.unauthenticated':
    '{count} connexion(s) depuis l’adresse du test ({ip}) sans authentification avec une BAL du compte : {places}.',
  'explain.claimed':
    'Des connexions ont nommé {mailboxes} sans s’authentifier ({places}) ; sans « Adresse IP », ' +
    'une connexion qui ne prouve pas sa BAL n’est pas jugée (n’importe qui peut taper une adresse). ' +
    'Si c’est votre LPS, relancez le test avec cette adresse dans « Adresse IP ».',
  'explain.withoutStarttls': '{place} sans STARTTLS',
  'fix.connection':
    'Lancez l’action demandée sur le LPS pendant le délai d’écoute, vers le serveur et le port indiqués, ' +
    'depuis l’adresse IP saisie. La page « Ce que la plateforme voit de mon poste » (/mon-poste) ' +
    'montre l’adresse sous laquelle la plateforme voit votre poste et ses dernières connexions.',
  'fix.connectionNoIp':
    'Lancez l’action demandée sur le LPS pendant le délai d’écoute, vers le serveur et le port indiqués. ' +
    'Sans « Adresse IP », seules les sessions qui s’authentifient (ou se présentent) ' +
    'avec une BAL du compte comptent : renseignez l’adresse IP publique du poste, que montre la page « Ce que la ' +
    'plateforme voit de mon poste » (/mon-poste).',
  'fix.starttls':
    'Envoyez STARTTLS juste après EHLO (SMTP) ou CAPABILITY (IMAP), et n’envoyez ni identifiants, ' +
    'ni commande de messagerie avant que la session TLS soit établie ; ne poursuivez jamais en clair.',
  'fix.tlsNotEstablished':
    'Faites aboutir la négociation TLS après STARTTLS : TLS 1.2 ou 1.3 activé, les suites du référentiel proposées, ' +
    'et les racines IGC Santé TEST installées dans le magasin de confiance du LPS pour accepter le certificat du ' +
    'serveur.',
  'fix.client-hello': 'Après la réponse positive à STARTTLS, commencez la négociation TLS sur la même connexion.',
  'fix.version': 'Activez TLS 1.2 (et TLS 1.3 si possible) dans le LPS, et désactivez SSL 3, TLS 1.0 et TLS 1.1.',
  'fix.forbiddenSuites':
    'Retirez des suites TLS 1.2 proposées par le LPS : {suites}. Ne gardez en TLS 1.2 que les six suites du ' +
    'référentiel.',
  'fix.noTls12':
    'Activez TLS 1.2 à côté de TLS 1.3 dans le LPS et proposez-y les 6 suites autorisées, ' +
    'dont celles qui manquent : {suites}.',
  'fix.missingSuites': 'Ajoutez aux suites TLS 1.2 proposées par le LPS : {suites}.',
  'fix.suiteNames': '{iana} (OpenSSL : {openssl} ; Java : {iana} ; .NET : TlsCipherSuite.{iana})',
  'fix.suiteUnknownOpenssl': 'voir « openssl ciphers -stdname »',
  'fix.negotiated-suite': 'Limitez les suites TLS 1.2 du LPS aux six du référentiel.',
  'fix.mechanismPsc':
    'Authentifiez la BAL personnelle par SASL XOAUTH2 avec le jeton d’accès Pro Santé Connect de son titulaire (ni ' +
    'mot de passe, ni PLAIN, LOGIN ou OAUTHBEARER).',
  'fix.mechanismCert':
    'Authentifiez la BAL applicative par SASL PLAIN (AUTH PLAIN en SMTP, AUTHENTICATE PLAIN en IMAP) ' +
    'avec l’adresse de la BAL comme identifiant, après avoir présenté le certificat ORG_AUTH_CLI dans la ' +
    'négociation TLS.',
  'fix.user': 'Utilisez comme identifiant l’adresse complète de la BAL : {mailbox}.',
  'fix.token':
    'Envoyez le jeton d’accès (access token) Pro Santé Connect en cours de validité de l’identité titulaire de la ' +
    'BAL, obtenu au niveau eidas1 ; rafraîchissez-le avant son expiration ; jamais l’ID token ni le refresh token.',
  'fix.command-after-auth':
    'Après l’authentification, poursuivez la session (ouverture de INBOX en IMAP, envoi d’un message en SMTP).',
  'fix.client-certificate':
    'Présentez dans la négociation TLS le certificat ORG_AUTH_CLI de la structure (fichier PKCS#12 de la page du ' +
    'compte), émis par l’AC IGC Santé TEST Organisations et en cours de validité.',
  'fix.certificate-ou':
    'Présentez le certificat ORG_AUTH_CLI dont l’OU est l’identifiant national AUTH_CLI du compte ({idnat}).',
  'fix.server-accepted':
    'Présentez le certificat ORG_AUTH_CLI du compte et utilisez l’adresse de la BAL applicative comme identifiant ' +
    'PLAIN.',
  'fix.inbox-opened': 'Après l’authentification, ouvrez la boîte de réception par SELECT INBOX (ou EXAMINE INBOX).',
  'fix.message-accepted':
    'Envoyez un message de la BAL à elle-même (MAIL FROM et RCPT TO : l’adresse de la BAL) et terminez DATA.',
  'fix.xdm-attachment':
    'Envoyez de la BAL à elle-même un message avec une pièce jointe IHE_XDM.ZIP contenant au moins un document CDA.',
  'fix.header-nil': 'Ajoutez une seule fois l’en-tête X-MSS-NIL avec la référence produit (NIL) du compte.',
  'fix.header-codecda':
    'Renseignez X-MSS-CODECDA avec le ou les codes ClinicalDocument/code/@code des documents CDA joints.',
  'fix.header-ins': 'Renseignez X-MSS-INS : O quand le document CDA porte un INS, N sinon.',
  'fix.patient-message': 'Envoyez un message de la BAL à l’adresse patient de test affichée sur la page du compte.',
  'fix.header-mes': 'Ajoutez une seule fois l’en-tête X-MSS-MES: FIN (en majuscules) au message adressé au patient.',
  'fix.certificate-refused':
    'Vérifiez le certificat du serveur (chaîne IGC Santé, validité, révocation par CRL ou OCSP) et, ' +
    's’il n’est pas valable, interrompez la connexion pendant la négociation TLS, ' +
    'sans envoyer ni commande ni identifiants.',
  'fix.serverRefusedHandshake':
    'Activez TLS 1.2 ou 1.3 et les suites du référentiel : la plateforme a refusé la négociation avant d’avoir ' +
    'présenté son certificat, le refus du certificat n’a donc pas pu être observé.',
  'fix.autoconfig-lookup':
    'Faites découvrir les paramètres au LPS par l’autoconfiguration (GET /mail/config-v1.1.xml sur le serveur ' +
    'd’autoconfiguration, ou enregistrements DNS SRV _imap._tcp et _submission._tcp du domaine) ' +
    'au lieu de les saisir.',
  'fix.advertised-connection': 'Connectez-vous au serveur et au port annoncés par l’autoconfiguration.',
  'fix.authenticated': 'Authentifiez la BAL du test sur la connexion ouverte après l’autoconfiguration.',
  'fix.first-session-closed':
    'Ouvrez une session authentifiée de la BAL, puis sélectionnez un dossier autre que INBOX (IMAP) ' +
    'ou envoyez un message (SMTP) pour que la plateforme ferme la session.',
  'fix.new-session':
    'Après la fermeture par le serveur (* BYE ou 421), rouvrez automatiquement une session, sans redémarrer le LPS, ' +
    'avec un jeton d’accès valide (rafraîchi s’il a expiré).',
  'fix.inbox-reopened': 'Dans la nouvelle session, ouvrez de nouveau INBOX.',
  'verdict.OK': 'OK',
  'verdict.KO': 'KO',
  'verdict.INCONCLUSIVE': 'NON CONCLUANT',
  'verdict.ERROR': 'ERREUR',
  'verdict.CANCELLED': 'ANNULÉ',
  'verdict.INTERRUPTED': 'INTERROMPU',

  // Attendus of the jobs (manual §3.5), filled with this deployment's names and ports
  'attendus.balPersonal': 'BAL personnelle',
  'attendus.balApplicative': 'BAL applicative',
  'attendus.mailboxPlaceholderPsc': '<IdNat PSC>@{domain}',
  'attendus.mailboxPlaceholderAuthCli': '<IdNat AUTH_CLI>@{domain}',
  'attendus.patientPlaceholder': '<matricule INS>@{domain}',
  'attendus.pscIdentity': 'Compte PSC ou identité de test EDIT (identifiant national PSC du compte)',
  'attendus.orgCertificate':
    'Certificat ORG_AUTH_CLI de test de la structure (OU = {idnat}), téléchargeable depuis la page du compte',
  'attendus.mailboxName': 'Nom de la {bal} créée sur l’outil de gestion de compte : {mailbox}',
  'attendus.patientAddress': 'Adresse email patient de test : {patient}',
  'attendus.ip': 'Adresse IP publique du poste client (où est installé le LPS)',
  'attendus.ipAutoconfig':
    'Adresse IP publique du poste client (où est installé le LPS) qui interrogera le site publiant le fichier ' +
    'd’autoconfiguration',
  'attendus.nonIgcRootInstalled':
    'Racine de l’AC non IGC Santé (non-igc-root.pem) installée dans le magasin de confiance du système',
  'attendus.configureBal': 'Configurer la {bal} {mailbox}',
  'attendus.configureServer':
    'Configurer le serveur {proto} {host} (port {port}, STARTTLS) en tant que serveur {proto} de la {bal}',
  'attendus.configureAutoconfig':
    'Configurer l’autoconfiguration (fichier {autoconfig}/mail/config-v1.1.xml ou enregistrements DNS SRV du domaine)',
  'attendus.autoconfigRepeat':
    'Répéter les actions suivantes avant le lancement du test pour s’assurer qu’elles tiennent dans le délai ' +
    'configuré :',
  'attendus.removeConfiguration': 'Supprimer la configuration réalisée',
  'attendus.prepareReceive':
    'Préparer les actions de récupération de mails avant de lancer le test (ouverture de la boîte de réception)',
  'attendus.prepareSend':
    'Préparer les actions d’envoi de mails avant de lancer le test (la BAL destinataire est la même que la BAL ' +
    'émettrice)',
  'attendus.preparePatient':
    'Préparer les actions d’envoi de mails avant de lancer le test (l’adresse destinataire est l’adresse email ' +
    'patient de test {patient})',
  'attendus.prepareHeaders':
    'Préparer l’envoi d’un mail à la BAL elle-même avec un document CDA dans une pièce jointe IHE_XDM.ZIP',
  'attendus.prepareReopenImap':
    'Préparer les actions avant de lancer le test : ouvrir la boîte de réception puis sélectionner un autre ' +
    'répertoire de la BAL',
  'attendus.delay': 'S’assurer que le délai configuré en paramètre laisse le temps de réaliser le test côté LPS',
  'attendus.launch': 'Sur l’outil de test, lancer le test',
  'attendus.doOpenInbox':
    'Sur le LPS, ouvrir la boîte de réception de {mailbox} sur {host} port {port} (si le LPS se connecte au serveur ' +
    'IMAP au démarrage, redémarrer le LPS)',
  'attendus.doSend': 'Sur le LPS, envoyer un email de {mailbox} à elle-même par {host} port {port}',
  'attendus.doHeaders':
    'Sur le LPS, envoyer un email de {mailbox} à elle-même avec un document CDA dans IHE_XDM.ZIP : ' +
    'les en-têtes X-MSS-NIL, X-MSS-CODECDA et X-MSS-INS doivent être présents',
  'attendus.doPatient':
    'Sur le LPS, envoyer un email à l’adresse patient de test {patient} : l’en-tête X-MSS-MES: FIN doit être présent',
  'attendus.doRejectExpired':
    'Sur le LPS, utiliser {mailbox} avec le serveur {proto} {host} port {port} : le LPS doit rejeter le certificat ' +
    'expiré présenté par le serveur',
  'attendus.doRejectRevoked':
    'Sur le LPS, utiliser {mailbox} avec le serveur {proto} {host} port {port} : le LPS doit rejeter le certificat ' +
    'révoqué présenté par le serveur',
  'attendus.doRejectNonIgc':
    'Sur le LPS, utiliser {mailbox} avec le serveur {proto} {host} port {port} : le LPS doit rejeter le certificat ' +
    'non IGC Santé présenté par le serveur',
  'attendus.doReopenImap':
    'Sur le LPS, ouvrir la boîte de réception de {mailbox} puis sélectionner un autre répertoire ; ' +
    '{seconds} s après, la plateforme ferme la session : le LPS doit rouvrir la boîte de réception sans être ' +
    'redémarré',
  'attendus.doReopenSmtp':
    'Sur le LPS, envoyer un email de {mailbox} à elle-même : la plateforme ferme la session après le message ; ' +
    'le LPS doit rouvrir une session (envoyer un second email) sans être redémarré',
  'attendus.doAutoconfigImap':
    'Sur le LPS, configurer {mailbox} par autoconfiguration puis ouvrir la boîte de réception',
  'attendus.doAutoconfigSmtp':
    'Sur le LPS, configurer {mailbox} par autoconfiguration puis envoyer un email à la BAL elle-même',
} as const;
