// French messages of the account site (src/web/site/). Their keys start with site. (src/i18n/messages.ts merges
// every area into the one catalogue).
export const site = {
  // Account site
  'site.area': 'Gestion des comptes de test',
  'site.nav.accounts': 'Liste de comptes',
  'site.nav.preflight': 'Ce que la plateforme voit de mon poste',
  'site.notFound.title': 'Page introuvable',
  'site.notFound.text': 'Cette page n’existe pas, ou vous n’y avez pas accès.',
  'site.notFound.home': 'Retour à l’accueil',
  'site.home.title': 'Outil de tests des éditeurs MSSanté',
  'site.home.intro':
    'motco vérifie qu’un logiciel de professionnel de santé (LPS) ou un DUI se connecte aux opérateurs de ' +
    'messagerie MSSanté comme le demande le Référentiel #2 (API LPS) : chiffrement, ' +
    'authentification Pro Santé Connect ou par certificat ORG_AUTH_CLI, en-têtes MSSanté… Chaque logiciel, ' +
    'identifié par sa référence produit (NIL), a un compte avec ses BAL de test.',
  'site.home.stepsTitle': 'Les grandes étapes',
  'site.home.step1': 'Connexion par Industriels Santé Connect (ISC) avec le bouton « Connexion » ci-dessous.',
  'site.home.step2':
    'Création ou modification des comptes de vos logiciels (NIL, identifiants nationaux PSC et AUTH_CLI).',
  'site.home.step3':
    'Configuration de votre LPS : BAL de test, paramètres des serveurs, racines de confiance, certificat ORG_AUTH_CLI.',
  'site.home.step4': 'Accès à l’outil de test du compte et lancement des tests.',
  'site.home.step5': 'Lecture des résultats : chaque exécution a un numéro, à communiquer à l’agence.',
  'site.home.login': 'Connexion',
  'site.home.isc': 'La connexion passe par Industriels Santé Connect, avec votre compte ISC.',
  'site.home.iscSimulated':
    'Sur cette plateforme, ISC est simulé : l’opérateur crée les comptes de connexion (motco isc user add, ' +
    'ou la page /isc/admin).',
  'site.login.failedTitle': 'Connexion impossible',
  'site.login.retry': 'Réessayer',
  'site.login.backHome': 'Retour à l’accueil',
  'site.login.unreachable': 'Industriels Santé Connect ne répond pas pour l’instant. Réessayez dans quelques minutes.',
  'site.login.expired': 'Cette connexion a expiré ou a été commencée dans un autre onglet. Recommencez la connexion.',
  'site.login.refused':
    'Vous avez refusé de partager vos informations avec l’outil : aucune session n’a été ouverte. ' +
    'Pour utiliser l’outil, reconnectez-vous et choisissez « Accepter ».',
  'site.login.failed': 'Industriels Santé Connect n’a pas confirmé votre connexion. Recommencez la connexion.',
  'site.login.claims':
    'Les informations transmises par Industriels Santé Connect ne permettent pas d’identifier votre organisation :',
  'site.logout.title': 'Déconnexion',
  'site.logout.question': 'Voulez-vous vous déconnecter de l’outil et d’Industriels Santé Connect ?',
  'site.logout.confirm': 'Se déconnecter',
  'site.accounts.title': 'Liste de comptes',
  'site.accounts.empty': 'Veuillez créer un compte en cliquant sur le bouton ci-dessous.',
  'site.accounts.create': 'Créer un nouveau compte',
  'site.accounts.caption': 'Comptes de {organisation}',
  'site.accounts.status': 'Statut',
  'site.accounts.modifyColumn': 'Modification',
  'site.accounts.toolColumn': 'Outil de test',
  'site.accounts.modify': 'Modifier',
  'site.accounts.tool': 'Accès à l’outil',
  'site.accounts.unavailable': 'Indisponible',
  'site.accounts.ofAccount': '(compte {nil})',
  'site.accounts.created': 'Le compte {nil} est enregistré. Statut : {status}.',
  'site.accounts.modified': 'La modification du compte {nil} est enregistrée. Statut : {status}.',
  'site.status.nextNightly': 'lors du traitement de la nuit prochaine',
  'site.status.nextSoon': 'dès le prochain traitement',
  'site.status.creatingHelp':
    'Les BAL de test et le certificat ORG_AUTH_CLI du compte seront créés {next} ; le compte sera alors disponible.',
  'site.status.unavailableHelp':
    'Une modification attend d’être prise en compte {next} (NIL {nil}, identifiant national PSC {psc}, ' +
    'identifiant national AUTH_CLI {authCli}). En attendant, le compte est indisponible pour les tests ; ' +
    'ses BAL actuelles et leur courrier restent accessibles.',
  'site.field.nil': 'Référence produit (NIL)',
  'site.field.idnatPsc': 'Identifiant national PSC',
  'site.field.idnatAuthCli': 'Identifiant national AUTH_CLI',
  'site.help.nil': 'Numéro d’identification logiciel trouvable sur ISC.',
  'site.help.idnatPsc':
    'IdNat d’une identité de test (personne physique) : 8 + RPPS, ou le format EDIT 87AAMMJJHHMM. ' +
    'Il est configuré sur la BAL personnelle <IdNat>@{domain}, ouverte par Pro Santé Connect.',
  'site.help.idnatAuthCli':
    'FINESS, SIREN ou SIRET d’une personne morale de test, précédé de son préfixe (1, 2 ou 3). ' +
    'Il est configuré sur la BAL applicative <IdNat>@{domain} et doit correspondre au champ OU du certificat ' +
    'ORG_AUTH_CLI.',
  'site.form.createTitle': 'Création de compte',
  'site.form.modifyTitle': 'Modification de compte',
  'site.form.oneIdnat': 'Au moins un des deux identifiants nationaux doit être renseigné.',
  'site.form.create': 'Valider',
  'site.form.modify': 'Modifier',
  'site.form.cancel': 'Annuler',
  'site.detail.title': 'Compte {nil}',
  'site.detail.back': '← Liste de comptes',
  'site.detail.runnerUser': 'Nom utilisateur des exécutions',
  'site.detail.createdAt': 'Créé le',
  'site.detail.notProvisioned':
    'Les BAL de test et le certificat de ce compte ne sont pas encore créés : ils le seront lors du prochain ' +
    'traitement de création.',
  'site.detail.mailboxes': 'Boîtes aux lettres (BAL) de test',
  'site.detail.mailbox': 'BAL',
  'site.detail.address': 'Adresse',
  'site.detail.authentication': 'Connexion du LPS',
  'site.detail.personal': 'BAL personnelle',
  'site.detail.applicative': 'BAL applicative',
  'site.detail.patient': 'Adresse patient de test',
  'site.detail.personalAuth':
    'XOAUTH2 avec un jeton d’accès Pro Santé Connect de l’identité {idnat} ; point d’accès psc.',
  'site.detail.applicativeAuth':
    'Certificat ORG_AUTH_CLI (OU {idnat}) présenté dans la négociation TLS, puis PLAIN avec l’adresse de la BAL ' +
    'comme identifiant ; point d’accès org.',
  'site.detail.patientUse': 'Destinataire des tests « patient » (message avec X-MSS-MES: FIN).',
  'site.detail.former': 'Anciennes BAL conservées avec leur courrier :',
  'site.detail.settings': 'Paramètres des serveurs de messagerie',
  'site.detail.settingsIntro':
    'IMAP et SMTP (soumission) avec STARTTLS obligatoire, TLS 1.2 au minimum. Le nom d’hôte doit correspondre au ' +
    'certificat du serveur.',
  'site.detail.validEndpoints': 'Points d’accès conformes',
  'site.detail.testEndpoints': 'Points d’accès de test (certificats à refuser)',
  'site.detail.testEndpointsIntro':
    'Ces serveurs présentent un certificat expiré, révoqué ou d’une autorité non IGC Santé : ' +
    'un LPS conforme refuse de s’y connecter (tests de refus de certificat).',
  'site.detail.autoconfig': 'Autoconfiguration :',
  'site.detail.dns':
    '; enregistrements SRV _imap._tcp et _submission._tcp de {domain} sur le serveur DNS {address}, port {port}.',
  'site.detail.webmail': 'Webmail',
  'site.detail.webmailIntro':
    'Les BAL de test se consultent aussi dans le webmail, sans mot de passe : « Ouvrir le webmail » à côté de ' +
    'chaque BAL ci-dessus. Le webmail permet ensuite de passer d’une de vos BAL à l’autre.',
  'site.detail.webmailPassword': 'Mot de passe commun des BAL de test de cette plateforme (manuel, §1.4) :',
  'site.detail.password': 'Mot de passe',
  'site.detail.passwordIntro':
    'Chaque BAL a son propre mot de passe de test, à ne communiquer qu’aux personnes qui testent ce produit. ' +
    'Il ouvre la BAL en IMAP et en SMTP (PLAIN ou LOGIN, identifiant : l’adresse de la BAL) ' +
    'sur les points d’accès psc, par exemple avec un client de messagerie ordinaire. Sur les points d’accès org, ' +
    'la BAL applicative ne s’ouvre qu’avec son certificat ORG_AUTH_CLI, comme chez un opérateur MSSanté.',
  'site.detail.renew': 'Renouveler',
  'site.detail.renewOf': 'le mot de passe de {address}',
  'site.detail.renewed':
    'Nouveau mot de passe pour {address} : l’ancien ne l’ouvre plus (les sessions déjà ouvertes se poursuivent).',
  'site.detail.openWebmail': 'Ouvrir le webmail',
  'site.detail.openWebmailOf': 'de {address}',
  'site.detail.trust': 'Racines de confiance à installer',
  'site.detail.trustIgc':
    'racine et AC organisations de l’IGC Santé TEST (simulées). À configurer comme magasin de confiance propre au ' +
    'LPS pour MSSanté, et non dans le magasin du système : le LPS accepte alors les points d’accès org et psc et ' +
    'refuse les certificats expirés, révoqués ou non IGC Santé.',
  'site.detail.trustNonIgc':
    'racine de l’autorité commerciale simulée (non IGC Santé). À installer dans le magasin de confiance du système ' +
    '(par exemple dans /usr/local/share/ca-certificates puis update-ca-certificates, ' +
    'ou dans « Autorités de certification racines de confiance » sous Windows) pour les tests « AC non IGC Santé ' +
    '» : le LPS doit malgré tout refuser ces serveurs. Elle signe aussi le certificat HTTPS de l’autoconfiguration.',
  'site.detail.certificate': 'Certificat ORG_AUTH_CLI de test',
  'site.detail.certificateIntro':
    'Certificat client de la structure {idnat} (champ OU), émis par l’AC organisations de l’IGC Santé TEST ' +
    'simulée : à installer dans le LPS pour la BAL applicative.',
  'site.detail.certificateFile': 'Fichier PKCS#12',
  'site.detail.certificatePassword': 'Mot de passe du fichier',
  'site.detail.certificateSerial': 'Numéro de série',
  'site.detail.certificateNotAfter': 'Valable jusqu’au',
  'site.endpoint.id': 'Point d’accès',
  'site.endpoint.for': 'BAL',
  'site.endpoint.host': 'Nom d’hôte',
  'site.endpoint.address': 'Adresse IP',
  'site.endpoint.imap': 'Port IMAP',
  'site.endpoint.smtp': 'Port SMTP',
  'site.endpoint.security': 'Sécurité',
  'site.endpoint.certificate': 'Certificat du serveur',
  'site.endpoint.applicative': 'applicative',
  'site.endpoint.personal': 'personnelle',
  'site.endpoint.starttls': 'STARTTLS',
  'site.preflight.title': 'Ce que la plateforme voit de mon poste',
  'site.preflight.ip': 'Adresse IP de votre poste vue par la plateforme :',
  'site.preflight.ipUse':
    'C’est l’adresse à indiquer dans l’option « Adresse IP » des tests quand votre LPS se connecte depuis ce poste. ' +
    'Derrière un proxy ou une traduction d’adresses (NAT), c’est l’adresse de sortie, ' +
    'qui peut être partagée avec d’autres postes.',
  'site.preflight.sessions': 'Dernières connexions de cette adresse aux serveurs de messagerie ({count} au plus)',
  'site.preflight.try':
    'Pour vérifier que vos connexions arrivent, connectez votre LPS (ou essayez la commande ci-dessous) ' +
    'puis actualisez la page.',
  'site.preflight.refresh': 'Actualiser',
  'site.preflight.none': 'Aucune connexion de cette adresse aux serveurs de messagerie pour l’instant.',
  'site.preflight.privacy':
    'Une connexion authentifiée sur la BAL d’un autre compte ne montre que les faits de la connexion elle-même ; ' +
    'seules vos BAL sont nommées.',
  'site.preflight.when': 'Début',
  'site.preflight.endpoint': 'Point d’accès',
  'site.preflight.hello': 'ClientHello',
  'site.preflight.tls': 'Négociation TLS',
  'site.preflight.certificate': 'Certificat client',
  'site.preflight.auth': 'Authentification',
  'site.preflight.noHello': 'aucun (pas de STARTTLS)',
  'site.preflight.helloSummary': 'jusqu’à {version}, {count} suites proposées ;',
  'site.preflight.forbidden': 'suites interdites :',
  'site.preflight.noForbidden': 'aucune suite interdite',
  'site.preflight.established': 'établie : {version},',
  'site.preflight.clientAlert': 'interrompue par le client : alerte {alert}',
  'site.preflight.serverRefused': 'refusée par la plateforme : {detail}',
  'site.preflight.aborted': 'interrompue : {detail}',
  'site.preflight.noCertificate': 'aucun',
  'site.preflight.certificateOu': 'OU {ou},',
  'site.preflight.certificateValid': 'valide',
  'site.preflight.certificateInvalid': 'non valide ({problems})',
  'site.preflight.noAuth': 'aucune',
  'site.preflight.authOk': 'réussie',
  'site.preflight.authRefused': 'refusée ({reason})',
  'site.preflight.otherMailbox': 'BAL d’un autre compte',
  'site.preflight.inClear': '(en clair, avant STARTTLS)',
} as const;
