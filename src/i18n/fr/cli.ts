// French messages of the motco command line (src/cli/): usage, outputs and errors of every command. Their keys
// start with cli. (src/i18n/messages.ts merges every area into the one catalogue).
export const cli = {
  // Command line
  // A `\` ending a line below joins the next line to it: the text keeps its long lines, the source stays narrow.
  'cli.usage': `Usage : motco <commande> [options]

Commandes :
  start [--data DIR] [--workers N]        démarre la plateforme complète (sur N processus ; par défaut un par CPU)
  endpoints [--json]                      affiche la table des points d’accès
  mailbox add ADRESSE [--type TYPE] [--json]
                                          crée une boîte aux lettres de test (TYPE : personal, applicative, test) \
et affiche son mot de passe
  mailbox list [--json]                   liste les boîtes aux lettres de test
  mailbox password ADRESSE [--renew] [--json]
                                          affiche le mot de passe d’une boîte aux lettres (--renew : en tire un nouveau)
  journal [--follow] [--json] [filtres]   affiche le journal des observations
          filtres : --mailbox ADR --ip IP --endpoint ID --since DATE --until DATE --session ID --kind TYPE --limit N
  pki export --out DIR                    exporte les racines de confiance et la CRL
  pki issue-client --idnat ID --out DIR   émet un certificat client ORG_AUTH_CLI (PEM et PKCS#12)
  pki check [--url BASE]                  vérifie la PKI de test (et, avec --url, le répondeur OCSP et la CRL en ligne)
  psc identity add --idnat ID --given PRÉNOM --family NOM [--civilite M|Mme] [--profession CODE] [--org SIRET] [--json]
                                          crée une identité de test PSC (IdNat : 8 + RPPS, ou 87AAMMJJHHMM),
                                          de l’organisation --org (sans : de l’opérateur, ou du compte qui la nomme)
  psc identity list [--org SIRET] [--json]
                                          liste les identités de test PSC (d’une organisation avec --org)
  psc token --idnat ID [--binding NN] [--json]
                                          obtient un jeton d’accès PSC par CIBA (plateforme démarrée requise)
  psc keys rotate                         publie une nouvelle clé de signature PSC (utilisée 10 minutes plus tard)
  isc org add --raison-sociale R --immatriculation SIRET|SIREN [--telephone T] [--adresse A] [--json]
                                          crée une organisation éditeur (simulateur ISC)
  isc user add --org SIRET|SIREN --given PRÉNOM --family NOM --email E [--login L] [--password P] \
[--civilite M|Mme] [--json]
                                          crée un utilisateur éditeur ISC (mot de passe généré et affiché une fois \
sans --password)
  isc org list | isc user list [--json]   liste les organisations ou les utilisateurs ISC
  isc admin-password                      affiche l’adresse et le mot de passe de la page d’administration ISC
  org add --raison-sociale R --immatriculation SIRET|SIREN [--telephone T] [--adresse A] [--json]
                                          crée une organisation éditeur de la plateforme
  org list [--json]                       liste les organisations de la plateforme
  user add --login L [--role vendor|reviewer|admin] [--org SIRET|SIREN] [--given PRÉNOM] [--family NOM] \
[--email E] [--json]
                                          crée un utilisateur de la plateforme (éditeur, relecteur, administrateur)
  user list [--json]                      liste les utilisateurs de la plateforme
  token create --user LOGIN | --reviewer NOM [--json]
                                          crée un jeton d’API (affiché une seule fois)
  account create --org SIRET|SIREN --nil NIL [--idnat-psc ID] [--idnat-auth-cli ID] [--json]
                                          crée un compte produit (BAL, adresse patient, certificat ORG_AUTH_CLI)
  account list [--org SIRET|SIREN] [--json] | account show ID|NIL [--json]
                                          liste les comptes ou en affiche un
  account modify ID|NIL [--nil NIL] [--idnat-psc ID] [--idnat-auth-cli ID] [--json]
                                          modifie un compte (option vide : retire l’identifiant)
  account provision [--json]              exécute maintenant le traitement de création des comptes en attente
  account renew-password ID|NIL --role personal|applicative|patient [--json]
                                          tire un nouveau mot de passe pour une BAL du compte (l’ancien ne l’ouvre plus)
  jobs [--json]                           liste les travaux : dossiers, jobs globaux et tests unitaires
  run JOB|DOSSIER|campaign --account NIL [--ip IP] [--delai S] [--json] [--junit FICHIER] [--url URL] [--token JETON]
                                          lance un travail sur la plateforme démarrée, suit son journal ; \
code retour 0 si OK
  dossier create --account NIL --out FICHIER [--executions N,N…] [--url URL] [--token JETON]
                                          télécharge le dossier de preuves signé du compte (plateforme démarrée requise)
  dossier verify FICHIER [--root PEM] [--json]
                                          vérifie un dossier hors ligne (signature, chaîne, empreinte de \
chaque fichier) ; code retour 0 s’il est valide
  lps JOB --account NIL [--fault NOM] [--ip-bind ADRESSE] [--autoconfig http|dns] [--json]
                                          joue un test unitaire (ou les tests d’un dossier) avec le LPS de référence
          compte hors service des comptes : --idnat-psc ID --idnat-auth-cli ID --mailbox ADR --patient ADR
  lps --follow EXECUTION --account NIL [--fault NOM]
                                          suit une exécution et joue chaque test quand la plateforme l’attend
  lps --list-faults [--json]              liste les défauts du LPS de référence (tests concernés, contrôle en échec)

Options communes : --data DIR (dossier de données), --config FICHIER`,
  'cli.unknownCommand': 'Commande inconnue : {command}',
  'cli.badOption': 'Option invalide : {message}',
  'cli.missingArgument': 'Argument manquant : {name}',
  'cli.failed': 'Erreur : {message}',
  'cli.started': 'Plateforme motco démarrée.',
  'cli.dataFolder': 'Dossier de données : {dir}',
  'cli.database': 'Base de données : {location}',
  'cli.webBase': 'Serveur web (CRL, OCSP) : {url}',
  'cli.mailDomain': 'Domaine de messagerie : {domain} (patients : {patient})',
  'cli.stopping': 'Arrêt de la plateforme…',
  'cli.workerReady': 'Processus {index} prêt (pid {pid}).',
  'cli.workerFailed': 'Le processus {index} s’est arrêté avant d’être prêt ({status}).',
  'cli.workerDied': 'Le processus {index} (pid {pid}) s’est arrêté ({status}) : un autre prend sa place.',
  'cli.workerExecutionInterrupted': 'Exécution #{id} interrompue : le processus qui la menait s’est arrêté.',
  'cli.workersCrashLoop': '{count} processus se sont arrêtés en {seconds} s : arrêt de la plateforme.',
  'cli.endpointTableHeader': 'Point d’accès|Nom d’hôte|Adresse|IMAP (STARTTLS)|SMTP (STARTTLS)|Certificat',
  'cli.mailboxCreated': 'Boîte aux lettres créée : {address} ({type}) — mot de passe : {password}',
  'cli.mailboxPassword': 'Mot de passe de {address} : {password}',
  'cli.mailboxRenewed': 'Nouveau mot de passe de {address} : {password} (l’ancien ne l’ouvre plus)',
  'cli.mailboxUnknown': 'Boîte aux lettres inconnue : {address}',
  'cli.mailboxExists': 'La boîte aux lettres existe déjà : {address}',
  'cli.pkiExported': 'Fichiers écrits dans {dir} :',
  'cli.pkiIssued': 'Certificat ORG_AUTH_CLI émis pour {idnat} dans {dir} (mot de passe PKCS#12 : {password}) :',
  'cli.pkiCheckOk': 'PKI de test : toutes les vérifications sont réussies.',
  'cli.pkiCheckFailed': 'PKI de test : {count} vérification(s) en échec.',

  // Accounts (provisioning)
  'cli.organisationCreated': 'Organisation créée : {name} ({immatriculation})',
  'cli.userCreated': 'Utilisateur créé : {line}',
  'cli.unknownUser': 'Utilisateur inconnu : {login} (motco user list)',
  'cli.notReviewer':
    'L’utilisateur {login} existe déjà avec le rôle {role} : --reviewer ne vaut que pour un relecteur.',
  'cli.tokenWho': 'Indiquez soit --user LOGIN, soit --reviewer NOM.',
  'cli.tokenCreated':
    'Jeton d’API de {login} ({role}), affiché une seule fois — à envoyer dans l’en-tête « Authorization: Bearer … » :',
  'cli.accountNotFound': 'Compte introuvable : {key}',
  'cli.batchDone': 'Traitement de création : {provisioned} compte(s) créé(s) ou mis à jour, {failed} en échec.',
  'cli.batchFailed': 'Compte {id} (NIL {nil}) : {message}',
  'cli.account.heading': 'Compte {id} — NIL {nil} — {status}',
  'cli.account.organisation': '  Organisation : {name} ({immatriculation})',
  'cli.account.idnatPsc': '  Identifiant national PSC : {idnat} — BAL personnelle : {mailbox}',
  'cli.account.idnatAuthCli': '  Identifiant national AUTH_CLI : {idnat} — BAL applicative : {mailbox}',
  'cli.account.patient': '  Adresse patient de test : {address}',
  'cli.account.runnerUser': '  Nom utilisateur des exécutions : {user}',
  'cli.account.certificate':
    '  Certificat ORG_AUTH_CLI : {p12} (mot de passe PKCS#12 : {password}) ; PEM : {chain}, clé : {key}',
  'cli.account.pending': '  Modification en attente du traitement : NIL {nil}, PSC {psc}, AUTH_CLI {authCli}',
  'cli.account.former': '  Ancienne BAL conservée : {address}',
  'cli.account.password': '  Mot de passe de {address} : {password}',
  'cli.account.noMailbox': 'Le compte {nil} n’a pas de BAL {role} actuelle.',

  // Pro Santé Connect (simulateur)
  'cli.pscIdentityCreated': 'Identité de test créée : {idnat} ({name})',
  'cli.pscTokenWaiting':
    'Demande CIBA envoyée pour {idnat} (code affiché : {binding}). En attente de l’acceptation sur l’e-CPS…',
  'cli.pscUnreachable':
    'La plateforme ne répond pas à {url} : démarrez-la (motco start) avec le même dossier de données, ' +
    'puis recommencez. ({message})',
  'cli.pscNotStarted':
    'Ce dossier de données n’a jamais servi à démarrer la plateforme : lancez d’abord « motco start ».',
  'cli.pscKeyRotated': 'Nouvelle clé {kid} publiée ; elle signera à partir du {date}.',
  'cli.tokenFailed': 'Échec de l’obtention du jeton : {message}',

  // Industriels Santé Connect (simulateur)
  'cli.iscOrganisationCreated': 'Organisation créée : {name} ({immatriculation})',
  'cli.iscUserCreated': 'Utilisateur ISC créé : {login}',
  'cli.iscGeneratedPassword': 'Mot de passe (affiché une seule fois) : {password}',
  'cli.iscAdminPassword': 'Page d’administration ISC : {url} (utilisateur admin, mot de passe : {password})',

  // motco run / motco jobs
  'cli.noApiToken':
    'Aucun jeton d’API : passez --token, ou démarrez la plateforme (motco start), qui écrit son jeton local dans ' +
    '{file}.',
  'cli.dossierCreated': 'Dossier de preuves {reference} écrit dans {file} ({bytes} octets, SHA-256 {sha256}).',
  'cli.dossierBadExecutions': '--executions attend des numéros d’exécution séparés par des virgules : « {value} ».',
  'cli.dossierNoRoot':
    'Aucune racine des preuves : passez --root motco-evidence-root.pem (la racine de la plateforme qui a fait le ' +
    'dossier, obtenue par un autre canal), ou lancez la commande avec le dossier de données de cette plateforme ' +
    '({file} introuvable).',
  'cli.dossierBadRoot': 'Aucun certificat PEM dans {file}.',
  'cli.dossierUnreadable': 'Fichier illisible : {file} ({message})',
  'cli.dossierHeader': 'Dossier {reference} — {platform} — {url} — généré le {at}',
  'cli.dossierSigner': '  Signé le {at} par {subject} (n° de série {serial})',
  'cli.dossierRoot': '  Racine des preuves : {subject} (empreinte SHA-256 {fingerprint}, {file})',
  'cli.dossierFiles': 'Fichiers : {count} vérifiés, {bad} en écart',
  'cli.dossierAccount': 'Compte : NIL {nil} — {organisation}',
  'cli.dossierVerdicts': 'Verdicts ({count} exécutions, {ok} OK) :',
  'cli.dossierValid': 'Résultat : dossier valide (code retour 0)',
  'cli.dossierInvalid': 'Résultat : dossier NON valide (code retour 1)',
  'cli.platformUnreachable': 'La plateforme ne répond pas à {url} ({message}) : est-elle démarrée (motco start) ?',
  'cli.runAccountNotFound': 'Aucun compte de référence produit (NIL) « {nil} » accessible avec ce jeton.',
  'cli.runStarted': 'Exécution #{id} lancée : {title}',
  'cli.runResult': 'Exécution #{id} terminée : {verdict}. Preuves : {url}',
  'cli.globalJob': 'job global',
} as const;
