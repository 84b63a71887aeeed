// French messages of the runner's pages (src/web/runner/). Their keys start with runnerPage. (src/i18n/messages.ts
// merges every area into the one catalogue).
export const runnerPages = {
  // Runner pages (manual §3: projects, dashboard, jobs, job options, executions, activity)
  'runnerPage.area': 'Outil de test — compte {nil}',
  'runnerPage.areaGeneric': 'Outil de test',
  'runnerPage.projectName': 'MSSanté - Outil de test éditeur - MOTCO2',
  'runnerPage.tab.projects': 'Projets',
  'runnerPage.tab.dashboard': 'Tableau de bord',
  'runnerPage.tab.jobs': 'Jobs',
  'runnerPage.tab.activity': 'Activité',
  'runnerPage.tab.accounts': 'Site de gestion des comptes',
  'runnerPage.verdict.OK': 'réussi',
  'runnerPage.verdict.KO': 'échoué',
  'runnerPage.verdict.INCONCLUSIVE': 'rien d’attribuable observé',
  'runnerPage.verdict.ERROR': 'erreur de la plateforme',
  'runnerPage.verdict.CANCELLED': 'arrêté par l’utilisateur',
  'runnerPage.verdict.INTERRUPTED': 'arrêt de la plateforme',
  'runnerPage.verdict.running': 'en cours',
  'runnerPage.verdict.runningBadge': 'EN COURS',
  'runnerPage.duration.s': '{s} s',
  'runnerPage.duration.min': '{m} min {s} s',
  'runnerPage.duration.h': '{h} h {m} min',
  'runnerPage.stats.title': 'Statistiques de ce travail pour ce compte',
  'runnerPage.stats.executions': 'Exécutions',
  'runnerPage.stats.successRate': 'Taux de réussite',
  'runnerPage.stats.meanDuration': 'Durée moyenne',
  'runnerPage.projects.title': 'Projets',
  'runnerPage.projects.project': 'Projet',
  'runnerPage.projects.activity': 'Activité',
  'runnerPage.projects.actions': 'Actions',
  'runnerPage.projects.description':
    'Tests de conformité des clients de messagerie MSSanté (Référentiel #2, référencement Ségur)',
  'runnerPage.projects.executions.one': '{count} exécution le dernier jour',
  'runnerPage.projects.executions.many': '{count} exécutions le dernier jour',
  'runnerPage.projects.failures.one': '{count} échec',
  'runnerPage.projects.failures.many': '{count} échecs',
  'runnerPage.projects.user': 'Utilisateur : {user}',
  'runnerPage.legal.title': 'Mentions légales et conditions générales d’utilisation',
  'runnerPage.legal.publisher.title': 'Éditeur du logiciel',
  'runnerPage.legal.publisher.text':
    'motco est un logiciel libre (licence MIT) de tests de conformité des clients de messagerie MSSanté. ' +
    'Il joue le rôle de l’outil MOTCO2 de l’Agence du Numérique en Santé sans en être une version : ' +
    'ce n’est pas un service de l’Agence, et ses verdicts ne valent pas référencement.',
  'runnerPage.legal.operator.title': 'Exploitant de cette instance',
  'runnerPage.legal.operator.text':
    'Cette plateforme ({url}) est exploitée par l’organisme qui l’a installée et qui vous en a donné l’accès ; ' +
    'c’est à lui qu’il faut s’adresser pour toute question sur le service, les comptes ou les données.',
  'runnerPage.legal.purpose.title': 'Objet',
  'runnerPage.legal.purpose.text':
    'L’outil permet aux éditeurs de vérifier que leur logiciel de professionnel de santé (LPS) ' +
    'respecte les exigences du Référentiel #2 « Clients de messagerie » (API LPS) avant leur référencement : ' +
    'il expose des serveurs IMAP et SMTP de test, enregistre ce que fait le client et le juge.',
  'runnerPage.legal.access.title': 'Accès',
  'runnerPage.legal.access.text':
    'L’accès est réservé aux utilisateurs authentifiés par Industriels Santé Connect, ' +
    'pour les comptes de leur organisation. Chacun est responsable des tests lancés sous sa session ; ' +
    'ne partagez pas votre accès.',
  'runnerPage.legal.testData.title': 'Données de test uniquement',
  'runnerPage.legal.testData.text':
    'Les boîtes aux lettres, adresses patient, certificats et autorités de certification de la plateforme sont ' +
    'fictifs et simulés. N’y envoyez jamais de données de santé réelles ni de données personnelles de patients.',
  'runnerPage.legal.evidence.title': 'Traces et preuves',
  'runnerPage.legal.evidence.text':
    'Pour juger, la plateforme enregistre tout ce que fait le client : adresses IP, connexions, négociations TLS, ' +
    'commandes, messages reçus (jamais les mots de passe). Ces traces sont conservées avec les exécutions ; ' +
    'elles sont accessibles à votre organisation et, par l’identifiant d’exécution, ' +
    'à l’agence chargée de la validation.',
  'runnerPage.legal.personalData.title': 'Données personnelles',
  'runnerPage.legal.personalData.text':
    'Industriels Santé Connect transmet votre identifiant, civilité, nom, prénom, ' +
    'adresse électronique et organisation ; ils servent à vous donner accès aux comptes de votre organisation et à ' +
    'indiquer qui a lancé chaque test. Vous pouvez exercer vos droits auprès de l’exploitant.',
  'runnerPage.legal.liability.title': 'Disponibilité et responsabilité',
  'runnerPage.legal.liability.text':
    'Le service est fourni en l’état, sans garantie ; il peut être interrompu pour maintenance. ' +
    'Les verdicts sont une aide à la mise en conformité : la décision de référencement appartient à l’agence.',
  'runnerPage.dashboard.title': 'Tableau de bord',
  'runnerPage.dashboard.latest': 'Dernières exécutions',
  'runnerPage.dashboard.allActivity': 'Toute l’activité du compte',
  'runnerPage.dashboard.noExecution': 'Aucune exécution pour ce compte : commencez par l’onglet Jobs.',
  'runnerPage.motd.title': 'Message du jour',
  'runnerPage.motd.default':
    'Avant de lancer un test, préparez l’action sur votre LPS : la fenêtre d’écoute s’ouvre dès « Exécuter ' +
    'maintenant » et le verdict tombe dès qu’il est acquis.',
  'runnerPage.readme.title': 'Lisez-moi',
  'runnerPage.readme.intro':
    'Ce compte (référence produit {nil}, nom utilisateur {user}) a ses propres BAL de test : ' +
    'chaque test ne juge que ce que fait votre LPS avec elles.',
  'runnerPage.readme.noMailbox': 'aucune',
  'runnerPage.readme.configure.title': 'Configurer le LPS avec les BAL du compte',
  'runnerPage.readme.configure.text':
    'Déclarez dans votre LPS les BAL ci-dessous et les serveurs de test de la plateforme (toujours en STARTTLS). ' +
    'Les BAL personnelles s’authentifient en XOAUTH2 avec un jeton Pro Santé Connect, ' +
    'les BAL applicatives avec le certificat ORG_AUTH_CLI du compte puis SASL PLAIN.',
  'runnerPage.readme.personal': 'BAL personnelle (PSC)',
  'runnerPage.readme.applicative': 'BAL applicative (AUTH_CLI)',
  'runnerPage.readme.patient': 'Adresse patient de test',
  'runnerPage.readme.certificate': 'Certificat ORG_AUTH_CLI',
  'runnerPage.readme.certificateLink': 'Télécharger le certificat {idnat} (PKCS#12)',
  'runnerPage.readme.certificatePassword':
    'son mot de passe est affiché sur la page du compte du site de gestion des comptes',
  'runnerPage.readme.endpoints': 'Serveurs de test (STARTTLS)',
  'runnerPage.readme.endpoint': 'Point d’accès',
  'runnerPage.readme.host': 'Nom d’hôte',
  'runnerPage.readme.serverCertificate': 'Certificat présenté',
  'runnerPage.readme.autoconfig':
    'Autoconfiguration : fichier {url} (paramètre emailaddress) ou enregistrements DNS SRV du domaine {domain}.',
  'runnerPage.readme.trust.title': 'Installer les racines de confiance',
  'runnerPage.readme.trust.igc':
    'les autorités IGC Santé TEST simulées : le seul magasin de confiance de votre LPS pour MSSanté',
  'runnerPage.readme.trust.nonIgc':
    'la racine de l’AC « non IGC Santé » : à installer dans le magasin du système pour les tests « AC non IGC Santé »',
  'runnerPage.readme.trust.readme': 'le mode d’emploi de ces fichiers',
  'runnerPage.readme.run.title': 'Lancer un job',
  'runnerPage.readme.run.text':
    'Dans l’onglet Jobs, cliquez sur la flèche verte d’un test, d’un job global ou de la campagne. ' +
    'Renseignez l’adresse IP publique du poste du LPS et le délai d’écoute ({min} à {max} secondes), ' +
    'puis « Exécuter maintenant ». Quand la page dit « À faire maintenant », faites l’action sur le LPS avant la ' +
    'fin de la fenêtre d’écoute.',
  'runnerPage.readme.run.link': 'Ouvrir les jobs',
  'runnerPage.readme.verdict.title': 'Lire le verdict',
  'runnerPage.readme.verdict.text':
    'OK : toutes les vérifications sont conformes. KO : au moins une vérification a échoué ou n’a pas été observée ' +
    '— chacune dit ce qui a été constaté et l’exigence du référentiel concernée. INCONCLUSIVE : ' +
    'rien d’attribuable à ce compte n’a été observé pendant la fenêtre d’écoute (vérifiez la configuration et ' +
    'l’adresse IP).',
  'runnerPage.readme.agency.title': 'Transmettre l’identifiant d’exécution à l’agence',
  'runnerPage.readme.agency.text':
    'Chaque exécution a un identifiant (#2523 par exemple), affiché en tête de sa page : ' +
    'c’est lui que vous transmettez à l’agence pour la validation des tests de référencement Ségur. ' +
    'La page d’exécution propose aussi les preuves en page imprimable et au format JSON. ' +
    'L’onglet « Tableau de conformité » montre ce qu’il reste à réussir et réunit les preuves de tous les tests ' +
    'dans un dossier signé à transmettre à l’agence.',
  'runnerPage.jobs.title': 'Jobs',
  'runnerPage.jobs.intro':
    'Les tests à exécuter pour vérifier le respect des exigences du Référentiel #2 « Clients de messagerie ». ' +
    'Lancez n’importe quel test en cliquant sur la flèche verte.',
  'runnerPage.jobs.campaign': 'Les cinq jobs globaux de référencement Ségur à la suite, dans l’ordre : {folders}.',
  'runnerPage.jobs.global': 'job global',
  'runnerPage.jobs.runGlobal': 'Lancer les {count} tests de {folder} à la suite',
  'runnerPage.jobs.run': 'Lancer « {title} »',
  'runnerPage.jobs.filters': 'Rechercher et filtrer les tests unitaires',
  'runnerPage.jobs.search': 'Rechercher',
  'runnerPage.jobs.searchHint': 'Dans le titre ou l’identifiant, par exemple « TLS » ou « reopen ».',
  'runnerPage.jobs.bal': 'Type de BAL',
  'runnerPage.jobs.protocol': 'Protocole',
  'runnerPage.jobs.latest': 'Dernier verdict',
  'runnerPage.jobs.any': 'Tous',
  'runnerPage.jobs.shown': '{count} sur {total} tests unitaires',
  'runnerPage.jobs.neverRun': 'Jamais exécuté pour ce compte',
  'runnerPage.job.requirements': 'Exigences',
  'runnerPage.job.mailbox': 'BAL',
  'runnerPage.job.server': 'Serveur attendu',
  'runnerPage.job.serverValue': '{protocol} {host} port {port} (STARTTLS), certificat {certificate}',
  'runnerPage.job.folder': 'Dossier',
  'runnerPage.job.globalText':
    'Job global de référencement Ségur : ses {count} tests s’exécutent à la suite, ' +
    'chacun avec sa propre fenêtre d’écoute ; la page d’exécution dit à chaque étape ce qu’il faut faire.',
  'runnerPage.job.notGlobal': 'Ce dossier n’est pas un job global : lancez ses tests un par un.',
  'runnerPage.job.launch': 'Options et lancement',
  'runnerPage.job.ip': 'Adresse IP',
  'runnerPage.job.ipHelp': 'L’adresse IP publique du poste où est installé le LPS ; elle sera vérifiée dans les tests.',
  'runnerPage.job.ipHelpAutoconfig': 'L’adresse IP requêtant l’URL d’autoconfig (le poste où est installé le LPS).',
  'runnerPage.job.ipRequired': 'Obligatoire pour ce test.',
  'runnerPage.job.ipOptional':
    'Facultative : renseignée, seul le trafic de cette adresse compte (et les authentifications refusées sont jugées).',
  'runnerPage.job.ipDetected':
    'Pré-remplie avec l’adresse de ce navigateur vue par la plateforme ({ip}) : corrigez-la si le LPS est sur une ' +
    'autre machine.',
  'runnerPage.job.delai': 'Délai (en secondes)',
  'runnerPage.job.delaiHelp': 'Délai permettant de définir le temps d’écoute des logs.',
  'runnerPage.job.delaiBounds': 'Entre {min} et {max} secondes ({default} par défaut).',
  'runnerPage.job.delaiBoundsGlobal':
    'Entre {min} et {max} secondes ({default} par défaut), pour chaque test unitaire.',
  'runnerPage.job.runNow': 'Exécuter maintenant',
  'runnerPage.job.attendus': 'Attendus',
  'runnerPage.job.prerequisites': 'Prérequis',
  'runnerPage.job.preparation': 'Préparation',
  'runnerPage.job.preparationLps': 'Au niveau du LPS',
  'runnerPage.job.preparationTool': 'Au niveau de l’outil de test',
  'runnerPage.job.test': 'Test',
  'runnerPage.job.folderSteps': 'Tests du job global, dans l’ordre d’exécution',
  'runnerPage.job.campaignSteps': 'Jobs globaux de la campagne, dans l’ordre d’exécution',
  'runnerPage.job.unitCount': '{count} tests',
  'runnerPage.job.recent': 'Dernières exécutions de ce travail',
  'runnerPage.exec.idHint':
    'Identifiant de l’exécution : c’est lui que vous transmettez à l’agence pour la validation.',
  'runnerPage.exec.parent': 'étape de l’exécution #{id}',
  'runnerPage.exec.state': 'État',
  'runnerPage.exec.elapsed': 'Temps écoulé',
  'runnerPage.exec.duration': 'Durée',
  'runnerPage.exec.statusRunning': 'En cours{where}.',
  'runnerPage.exec.statusStep': ' — étape {index}/{count} ({title})',
  'runnerPage.exec.statusListening': 'En cours{where} — écoute jusqu’à {until}.',
  'runnerPage.exec.statusPreparing': 'En cours{where} — ouverture de la fenêtre d’écoute.',
  'runnerPage.exec.statusFinished': 'Terminée : {verdict} ({label}).',
  'runnerPage.exec.progress': 'Progression',
  'runnerPage.exec.step': 'Étape {index}/{count} — {title}',
  'runnerPage.exec.stepsDone': '{done} étapes terminées sur {count}',
  'runnerPage.exec.todo': 'À faire maintenant :',
  'runnerPage.exec.window': 'Fenêtre d’écoute',
  'runnerPage.exec.windowPending': 'Ouverture de la fenêtre d’écoute…',
  'runnerPage.exec.windowOver': 'Fenêtre d’écoute terminée : calcul du verdict…',
  'runnerPage.exec.countdown': 'Écoulé : {elapsed} s sur {total} s — reste {remaining} s (écoute jusqu’à {until})',
  'runnerPage.exec.tabRunning': 'En cours — #{id} {title}',
  'runnerPage.exec.tabDone': '{verdict} — #{id} {title}',
  'runnerPage.exec.tabCountdown': '⏱ {remaining} — {title}',
  'runnerPage.exec.earlyEnd': 'Le test se termine avant la fin du délai dès que le verdict est acquis.',
  'runnerPage.exec.stop': 'Arrêter le travail',
  'runnerPage.exec.rerun': 'Exécuter à nouveau',
  'runnerPage.exec.rerunOptions': 'avec les mêmes options : {options}',
  'runnerPage.exec.exportHtml': 'Preuves : page imprimable',
  'runnerPage.exec.exportJson': 'Preuves : fichier JSON',
  'runnerPage.exec.refresh': 'Actualiser la page',
  'runnerPage.exec.verdict': 'Verdict :',
  'runnerPage.exec.meaning.OK': 'Toutes les vérifications sont conformes.',
  'runnerPage.exec.meaning.KO':
    'Au moins une vérification a échoué, ou manquait à la fin du délai d’écoute : ' +
    'voir ci-dessous ce qui a été constaté, que corriger et l’exigence concernée. Les vérifications « non évaluées ' +
    '» n’ont pas pu l’être, le verdict étant acquis avant.',
  'runnerPage.exec.meaning.INCONCLUSIVE':
    'Rien d’attribuable à ce compte n’a été observé pendant la fenêtre d’écoute. Ci-dessous, ' +
    'ce que la plateforme a vu à la place (sessions de vos BAL depuis une autre adresse ou sur un autre point ' +
    'd’accès, connexions non authentifiées depuis l’adresse du test) ; vérifiez la configuration du LPS, ' +
    'l’adresse IP et le délai, puis exécutez à nouveau.',
  'runnerPage.exec.meaning.ERROR':
    'La plateforme a rencontré une erreur (voir le journal) : ce n’est pas un verdict sur votre LPS.',
  'runnerPage.exec.meaning.CANCELLED': 'Le travail a été arrêté avant son verdict.',
  'runnerPage.exec.meaning.INTERRUPTED': 'La plateforme s’est arrêtée pendant le travail : exécutez-le à nouveau.',
  'runnerPage.exec.preflightLink': 'Voir ce que la plateforme voit de mon poste (adresse IP, dernières connexions)',
  'runnerPage.exec.noChecks': 'Aucune vérification : le travail s’est terminé avant d’être jugé.',
  'runnerPage.exec.critical': 'CRITIQUE',
  'runnerPage.exec.requirement': 'Exigence : {requirement}',
  'runnerPage.exec.steps': 'Étapes',
  'runnerPage.exec.counts': 'réussies : {ok} · échouées : {failed} · en cours : {running} · pas commencées : {pending}',
  'runnerPage.exec.notStarted': 'pas commencée',
  'runnerPage.exec.logLive':
    'Les lignes s’ajoutent au fil de ce que fait le client ; sans JavaScript, actualisez la page.',
  'runnerPage.exec.logDone': 'Ce que la plateforme a observé et jugé, dans l’ordre.',
  'runnerPage.exec.jump': 'Aller aux dernières lignes',
  'runnerPage.exec.streamRetry': 'Journal en direct interrompu : nouvelle tentative…',
  'runnerPage.exec.streamClosed': 'Le journal en direct n’est plus disponible : actualisez la page.',
  'runnerPage.exec.refreshFailed': 'La page n’a pas pu être mise à jour : actualisez-la.',
  'runnerPage.activity.title': 'Activité',
  'runnerPage.activity.filters': 'Filtrer les exécutions',
  'runnerPage.activity.job': 'Travail',
  'runnerPage.activity.allJobs': 'Tous les travaux',
  'runnerPage.activity.allVerdicts': 'Tous les verdicts',
  'runnerPage.activity.from': 'Du',
  'runnerPage.activity.to': 'Au',
  'runnerPage.activity.dateHint': 'Date de début, JJ/MM/AAAA',
  'runnerPage.activity.steps': 'Inclure les étapes des jobs globaux',
  'runnerPage.activity.apply': 'Filtrer',
  'runnerPage.activity.reset': 'Effacer les filtres',
  'runnerPage.activity.unknownJob': 'Travail inconnu : choisissez-en un dans la liste.',
  'runnerPage.activity.unknownVerdict': 'Verdict inconnu : choisissez-en un dans la liste.',
  'runnerPage.activity.badDate': 'Date invalide : saisissez une date au format JJ/MM/AAAA.',
  'runnerPage.activity.dateOrder': 'La date de fin doit suivre la date de début.',
  'runnerPage.activity.caption': 'Exécutions du compte, les plus récentes d’abord',
  'runnerPage.activity.captionOlder': 'Exécutions plus anciennes du compte',
  'runnerPage.activity.execution': 'Exécution',
  'runnerPage.activity.none': 'Aucune exécution ne correspond.',
  'runnerPage.activity.paging': 'Pages de résultats',
  'runnerPage.activity.newest': '← Les plus récentes',
  'runnerPage.activity.older': 'Exécutions plus anciennes →',
} as const;
