// French messages of the Industriels Santé Connect simulator (src/identity/isc/). Their keys start with isc.
// (src/i18n/messages.ts merges every area into the one catalogue).
export const isc = {
  // Industriels Santé Connect (simulateur)
  'isc.area': 'Industriels Santé Connect — simulé',
  'isc.login.title': 'Se connecter',
  'isc.login.intro':
    'Avec le fournisseur d’identité Industriels Santé Connect, vous disposez d’un seul compte pour accéder aux ' +
    'services de l’ANS (ici simulé par motco).',
  'isc.login.user': 'Nom d’utilisateur',
  'isc.login.password': 'Mot de passe',
  'isc.login.passwordHint': 'Saisissez votre mot de passe',
  'isc.login.submit': 'Se connecter',
  'isc.login.wrong': 'Nom d’utilisateur ou mot de passe incorrect.',
  'isc.code.title': 'Connexion à deux étapes',
  'isc.code.sent': 'Un e-mail de vérification vient de vous être envoyé.',
  'isc.code.resent': 'Un nouveau code vient de vous être envoyé ; le précédent ne fonctionne plus.',
  'isc.code.explain':
    'Pour plus de sécurité, un e-mail qui contient un code de vérification vous a été adressé. ' +
    'Ce code est valable pendant {minutes} minutes. Passé ce délai, demandez l’émission d’un autre code avec le ' +
    'bouton « Envoyer un nouveau code » ci-dessous.',
  'isc.code.outbox': 'Sans relais SMTP configuré, les e-mails de la plateforme arrivent dans la',
  'isc.code.label': 'Code transmis',
  'isc.code.hint': 'Saisissez le code reçu par e-mail (6 chiffres)',
  'isc.code.submit': 'Valider',
  'isc.code.resend': 'Envoyer un nouveau code',
  'isc.code.wrong': 'Code incorrect. Vérifiez le dernier e-mail reçu.',
  'isc.code.expired': 'Ce code a expiré. Demandez un nouveau code.',
  'isc.code.too_many': 'Trop d’essais avec ce code. Demandez un nouveau code.',
  'isc.code.none': 'Aucun code valable pour cette connexion. Demandez un nouveau code.',
  'isc.code.outboxAdmin': '(page de l’administrateur ISC : elle contient les codes de tous les utilisateurs).',
  'isc.code.resendLimit': 'Trop de codes demandés pour cette connexion : recommencez la connexion depuis le début.',
  'isc.code.resendWait': 'Un code vient d’être envoyé : attendez {seconds} s avant d’en demander un nouveau.',
  'isc.throttle.minutes': 'Trop de tentatives, réessayez dans {minutes} minutes.',
  'isc.throttle.minute': 'Trop de tentatives, réessayez dans 1 minute.',
  'isc.consent.title': 'Accédez à l’espace {client}',
  'isc.consent.account': 'Votre compte :',
  'isc.consent.intro':
    'Pour accéder au service {client}, vous devez accepter que le fournisseur d’identité Industriels Santé Connect ' +
    '(iSC) partage avec ce service les informations suivantes :',
  'isc.consent.login': 'login',
  'isc.consent.civilite': 'civilité',
  'isc.consent.given': 'prénom',
  'isc.consent.family': 'nom',
  'isc.consent.organisation': 'organisation (raison sociale, téléphone principal, adresse, immatriculation)',
  'isc.consent.refuse': 'Refuser',
  'isc.consent.accept': 'Accepter',
  'isc.consent.logout': 'Se déconnecter du fournisseur d’identité iSC',
  'isc.mail.subject': 'Industriels Santé Connect : votre code de vérification',
  'isc.mail.body': `Bonjour,

Voici le code de vérification pour la connexion de {login} : {code}

Ce code est valable pendant {minutes} minutes.

Si vous n’êtes pas à l’origine de cette connexion, ignorez ce message.

(Message du simulateur Industriels Santé Connect de motco.)`,
  'isc.outbox.title': 'boîte d’envoi de développement',
  'isc.outbox.intro':
    'E-mails que le simulateur ISC aurait envoyés (aucun relais SMTP n’est configuré), du plus récent au plus ancien.',
  'isc.outbox.to': 'À',
  'isc.outbox.empty': 'Aucun e-mail pour l’instant.',
  'isc.outbox.disabled':
    'Un relais SMTP est configuré : les e-mails partent par ce relais et ne sont pas affichés ici.',
  'isc.admin.title': 'Administration du simulateur ISC',
  'isc.admin.credentials':
    'Identifiants d’administration requis (utilisateur « admin » et le mot de passe d’administration ISC).',
  'isc.admin.generated':
    'Mot de passe d’administration du simulateur ISC (utilisateur admin), généré au premier démarrage : ' +
    '{password} — page : {url} (affichable à nouveau par « motco isc admin-password »)',
  'isc.admin.organisations': 'Organisations',
  'isc.admin.newOrganisation': 'Nouvelle organisation',
  'isc.admin.raisonSociale': 'Raison sociale',
  'isc.admin.immatriculation': 'Immatriculation',
  'isc.admin.immatriculationHint': 'SIRET (14 chiffres) ou SIREN (9 chiffres)',
  'isc.admin.telephone': 'Téléphone principal',
  'isc.admin.adresse': 'Adresse',
  'isc.admin.createOrganisation': 'Créer l’organisation',
  'isc.admin.organisationCreated': 'Organisation « {name} » créée.',
  'isc.admin.users': 'Utilisateurs',
  'isc.admin.newUser': 'Nouvel utilisateur',
  'isc.admin.name': 'Nom',
  'isc.admin.email': 'Adresse e-mail',
  'isc.admin.organisation': 'Organisation',
  'isc.admin.loginHint': 'Facultatif : prenom.nom par défaut',
  'isc.admin.passwordHint':
    'Facultatif : 8 caractères au moins ; laissé vide, un mot de passe est généré et affiché une seule fois',
  'isc.admin.createUser': 'Créer l’utilisateur',
  'isc.admin.userCreated': 'Utilisateur {login} créé.',
  'isc.admin.generatedPassword': 'Mot de passe généré (il ne sera plus affiché) :',
  'isc.admin.none': 'Aucun pour l’instant.',
  'isc.admin.organisationFirst': 'Créez d’abord une organisation.',
  'isc.problem.required': 'Ce champ est obligatoire.',
  'isc.problem.immatriculation_format': 'L’immatriculation doit être un SIRET (14 chiffres) ou un SIREN (9 chiffres).',
  'isc.problem.immatriculation_exists': 'Une organisation porte déjà cette immatriculation.',
  'isc.problem.telephone_format': 'Numéro de téléphone invalide (chiffres, espaces, points, tirets, « + » au début).',
  'isc.problem.login_format':
    'Le nom d’utilisateur : 2 à 64 caractères parmi a-z, 0-9, « . », « _ » et « - », ' +
    'en commençant par une lettre ou un chiffre.',
  'isc.problem.login_exists': 'Ce nom d’utilisateur est déjà pris.',
  'isc.problem.password_short': 'Le mot de passe doit comporter 8 caractères au moins.',
  'isc.problem.email_format': 'Adresse e-mail invalide.',
  'isc.problem.civilite_invalid': 'Civilité inconnue : choisissez M ou Mme.',
  'isc.problem.organisation_unknown':
    'Organisation inconnue : indiquez l’immatriculation d’une organisation existante.',
  'isc.problem.too_long': '200 caractères au plus.',
} as const;
