// French messages of the readiness board, the evidence dossier (making it, and the agency's check), the vendor
// kit, « Contacter l'agence » and the « Copier » buttons (src/dossier/, src/web/runner/board-page.ts,
// dossier-page.ts, contact-page.ts, src/web/site/kit-page.ts, src/web/review/dossier-page.ts). Their keys start
// with board., dossier., kit., contact., copy. (src/i18n/messages.ts merges every area into the one catalogue).
export const dossier = {
  // « Copier » buttons (copy.js)
  'copy.button': 'Copier',
  'copy.done': 'Copié',

  // Readiness board (« Tableau de conformité »)
  'board.tab': 'Tableau de conformité',
  'board.title': 'Tableau de conformité',
  'board.intro':
    'Chaque test unitaire du catalogue avec le verdict de sa dernière exécution pour ce compte, ' +
    'seule ou comme étape d’un job global, de la campagne ou d’une reprise. Chaque ligne mène à son exécution.',
  'board.progressTitle': 'Avancement',
  'board.score': '{ok}/{total} OK',
  'board.scoreDetail': '({failed} non réussis, {never} jamais exécutés)',
  'board.next': 'Transmettre à l’agence',
  'board.nextHint':
    'Le dossier de preuves réunit les preuves de chaque test dans un fichier signé par la plateforme, ' +
    'que l’agence vérifie sans vous faire confiance ni joindre la plateforme.',
  'board.replay': 'Rejouer les KO',
  'board.replayText':
    '{count} tests unitaires ne sont pas encore réussis (non réussis ou jamais exécutés) : ' +
    'une seule exécution les enchaîne dans l’ordre du catalogue, chacun avec son délai d’écoute, ' +
    'comme un job global.',
  'board.replayList': 'Les {count} tests à rejouer',
  'board.replayButton': 'Rejouer les KO ({count})',
  'board.allOk': 'Tous les tests unitaires du catalogue sont OK : rien à rejouer.',
  'board.filters': 'Filtres du tableau',
  'board.view': 'Regrouper par',
  'board.view.folders': 'dossier (job global)',
  'board.view.requirements': 'exigence',
  'board.status': 'Statut',
  'board.status.all': 'Tous',
  'board.status.ok': 'OK',
  'board.status.ko': 'Non réussis',
  'board.status.jamais': 'Jamais exécutés',
  'board.status.reprendre': 'À reprendre (non réussis et jamais exécutés)',
  'board.requirement': 'Exigence',
  'board.requirement.all': 'Toutes',
  'board.invalidFilter': 'Valeur de filtre inconnue.',
  'board.noLine': 'Aucun test unitaire ne correspond à ces filtres.',
  'board.never': 'JAMAIS',
  'board.col.job': 'Test unitaire',
  'board.col.requirements': 'Exigences',
  'board.col.verdict': 'Dernier verdict',
  'board.col.date': 'Date',
  'board.col.execution': 'Exécution',

  // Evidence dossier: making it
  'dossier.generate': 'Générer le dossier de preuves',
  'dossier.intro': 'Le dossier de preuves est un fichier ZIP à transmettre à l’agence. Il contient :',
  'dossier.contents.manifest':
    'manifest.json : la plateforme (nom, version, adresse), la date, le compte, et pour chaque exécution son test, ' +
    'ses options, son verdict, ses vérifications et l’empreinte SHA-256 de chacun de ses fichiers ;',
  'dossier.contents.evidence':
    'pour chaque exécution, ses preuves en JSON et en page imprimable, et les observations que son verdict a ' +
    'utilisées ;',
  'dossier.contents.signature':
    'manifest.json.p7s : la signature CMS du manifeste par la plateforme, avec sa chaîne de certificats.',
  'dossier.agencyChecks':
    'L’agence le vérifie hors ligne avec OpenSSL (ou motco dossier verify) et la racine des preuves de cette ' +
    'plateforme :',
  'dossier.form.legend': 'Exécutions à inclure : la dernière exécution terminée de chaque test unitaire ({count})',
  'dossier.form.none': 'Aucune exécution terminée pour ce compte : lancez d’abord des tests.',
  'dossier.form.others': 'Autres exécutions à inclure',
  'dossier.form.othersHint':
    'Numéros d’exécutions de ce compte, séparés par des espaces ou des virgules (par exemple 2523, 2530) ; ' +
    '{max} exécutions au plus par dossier.',
  'dossier.form.badNumber': '« {value} » n’est pas un numéro d’exécution.',
  'dossier.form.submit': 'Générer et télécharger le dossier',
  'dossier.error.nothing': 'Aucune exécution choisie : cochez au moins une exécution terminée.',
  'dossier.error.tooMany': 'Un dossier contient au plus {max} exécutions.',
  'dossier.error.unknown': 'Aucune exécution n° {id} pour ce compte.',
  'dossier.error.running': 'L’exécution n° {id} est en cours : attendez sa fin pour l’inclure.',
  'dossier.error.tooLarge': 'Le dossier dépasserait {max} : choisissez moins d’exécutions.',
  // A `\` ending a line below joins the next line to it: the text keeps its long lines, the source stays narrow.
  'dossier.readme': `Dossier de preuves motco {reference}
Compte (NIL) : {nil}
Plateforme : {url}

Ce dossier réunit les preuves des exécutions de tests de conformité MSSanté de ce compte.

- {manifest} : la liste signée de tout ce que contient le dossier (chaque fichier avec son empreinte SHA-256),
  et pour chaque exécution son test, ses options, son verdict et ses vérifications.
- {signature} : la signature CMS (RFC 5652, DER) de {manifest} par la plateforme, chaîne de certificats incluse.
- executions/<numéro>/evidence.json : les preuves de l’exécution (options, durées, verdict, vérifications,
  journal complet, observations utilisées), comme l’API de la plateforme les exporte ;
- executions/<numéro>/evidence.html : les mêmes preuves en page imprimable ;
- executions/<numéro>/observations.json : les observations du journal que les verdicts ont utilisées.

Vérifier le dossier hors ligne, avec la racine des preuves de la plateforme ({url}/pki/trust/motco-evidence-root.pem,
obtenue par un autre canal que ce dossier) :

  openssl cms -verify -binary -inform DER -in {signature} -content {manifest} -CAfile motco-evidence-root.pem \
-out /dev/null
  sha256sum executions/*/*   (à comparer aux empreintes du manifeste)

ou, en une fois (signature, chaîne et empreinte de chaque fichier) :

  motco dossier verify dossier.zip --root motco-evidence-root.pem
`,

  // Evidence dossier: reading it (motco dossier verify, the agency's upload)
  'dossier.archive.unreadable': 'Ce fichier n’est pas une archive ZIP lisible.',
  'dossier.archive.duplicate': 'L’archive contient deux fois le fichier « {name} ».',
  'dossier.archive.tooManyEntries': 'L’archive contient plus de {max} fichiers.',
  'dossier.archive.tooLarge': 'Le dossier dépasse {max} une fois décompressé.',
  'dossier.verify.noManifest': 'L’archive ne contient pas de {file} : ce n’est pas un dossier de preuves motco.',
  'dossier.verify.badManifest': '{file} est illisible ou n’a pas la forme d’un manifeste de dossier de preuves motco.',
  'dossier.signature.none': 'Signature non vérifiée : le dossier est illisible.',
  'dossier.signature.valid':
    'Signature valide : le manifeste est celui que la plateforme a signé, avec son certificat de signature des ' +
    'preuves, rattaché à la racine des preuves fournie.',
  'dossier.signature.untrusted':
    'Signature cohérente, mais faite par une clé qui ne se rattache pas à la racine des preuves fournie : ' +
    'dossier d’une autre plateforme, ou racine erronée.',
  'dossier.signature.problem.unreadable': 'Signature absente ou illisible (manifest.json.p7s).',
  'dossier.signature.problem.embedded': 'La signature contient son propre contenu au lieu de porter sur manifest.json.',
  'dossier.signature.problem.no-signer': 'La signature ne contient pas le certificat de son signataire.',
  'dossier.signature.problem.digest': 'manifest.json a été modifié : il ne correspond plus à sa signature.',
  'dossier.signature.problem.signature': 'Signature invalide (manifest.json.p7s modifié ou faite par une autre clé).',
  'dossier.signature.problem.no-signing-time': 'La signature ne dit pas quand elle a été faite.',
  'dossier.signature.problem.unknown-root': 'Le signataire ne se rattache pas à la racine des preuves fournie.',
  'dossier.signature.problem.not-valid-then': 'Un certificat de la chaîne n’était pas valide à la date de signature.',
  'dossier.signature.problem.wrong-purpose':
    'Le certificat du signataire n’est pas un certificat de signature des preuves.',
  'dossier.file.ok': 'intact',
  'dossier.file.modified': 'modifié',
  'dossier.file.missing': 'absent',
  'dossier.file.unlisted': 'ajouté (absent du manifeste)',

  // The agency's check of a dossier (/revue/dossier)
  'dossier.review.title': 'Vérifier un dossier de preuves',
  'dossier.review.intro':
    'Déposez le dossier de preuves (ZIP) qu’un éditeur vous a transmis : la page vérifie sa signature avec la ' +
    'racine des preuves de cette plateforme, l’empreinte de chaque fichier, compare chaque exécution à celle que la ' +
    'plateforme a enregistrée, et affiche le tableau des verdicts.',
  'dossier.review.lead': 'ou déposez le dossier de preuves signé qu’un éditeur vous a transmis.',
  'dossier.review.upload': 'Déposer un dossier',
  'dossier.review.file': 'Dossier de preuves (ZIP)',
  'dossier.review.fileHint': 'Le fichier dossier-preuves-….zip reçu de l’éditeur ; {max} au plus.',
  'dossier.review.verify': 'Vérifier le dossier',
  'dossier.review.offline': 'Hors ligne : motco dossier verify, ou openssl cms -verify avec la racine des preuves',
  'dossier.review.noFile': 'Choisissez le fichier ZIP du dossier de preuves.',
  'dossier.review.unreadable': 'Le fichier « {file} » n’a pas pu être vérifié.',
  'dossier.review.ok': 'Dossier vérifié : signature valide et tous les fichiers intacts ({count} exécutions).',
  'dossier.review.notOk': 'Dossier NON valide : ne vous fiez pas à son contenu.',
  'dossier.review.signature': 'Signature',
  'dossier.review.reference': 'Référence du dossier',
  'dossier.review.platform': 'Plateforme',
  'dossier.review.thisPlatform': 'cette plateforme',
  'dossier.review.generatedAt': 'Généré le',
  'dossier.review.signingTime': 'Signé le',
  'dossier.review.signer': 'Clé de signature',
  'dossier.review.root': 'Racine des preuves',
  'dossier.review.issuer': 'Émetteur :',
  'dossier.review.serial': 'N° de série :',
  'dossier.review.fingerprint': 'Empreinte SHA-256 :',
  'dossier.review.validity': 'Valide du {from} au {to}',
  'dossier.review.account': 'Compte',
  'dossier.review.verdicts': 'Verdicts ({ok}/{total} OK)',
  'dossier.review.col.execution': 'Exécution',
  'dossier.review.col.job': 'Test',
  'dossier.review.col.requirements': 'Exigences',
  'dossier.review.col.verdict': 'Verdict',
  'dossier.review.col.date': 'Date',
  'dossier.review.col.files': 'Preuves',
  'dossier.review.col.record': 'Enregistrement de la plateforme',
  'dossier.review.col.file': 'Fichier',
  'dossier.review.col.state': 'État',
  'dossier.review.intact': 'intactes',
  'dossier.review.altered': 'modifiées',
  'dossier.review.files': 'Fichiers du dossier ({count}, dont {bad} en écart)',
  'dossier.review.record.same': 'identique',
  'dossier.review.record.unknown': 'inconnue de la plateforme',
  'dossier.review.record.different': 'différente : {fields}',
  'dossier.review.record.otherPlatform': 'non comparée (autre plateforme)',
  'dossier.review.field.account': 'compte',
  'dossier.review.field.job': 'test',
  'dossier.review.field.verdict': 'verdict',
  'dossier.review.field.startedAt': 'début',
  'dossier.review.field.endedAt': 'fin',
  'dossier.review.field.checks': 'vérifications',

  // Vendor kit
  'kit.title': 'Kit de configuration',
  'kit.pageTitle': 'Kit de configuration du compte {nil}',
  'kit.back': '← Compte {nil}',
  'kit.intro':
    'Tout ce qu’il faut pour configurer votre LPS avec ce compte, dans une seule archive ZIP. ' +
    'Elle contient des secrets de test (mots de passe des BAL, clé privée du certificat) : gardez-la pour vous.',
  'kit.download': 'Télécharger le kit (ZIP)',
  'kit.caption': 'Fichiers du kit',
  'kit.col.file': 'Fichier',
  'kit.col.about': 'Contenu',
  'kit.readmeTitle': 'LISEZMOI.txt',
  'kit.file.readme': 'ce fichier',
  'kit.file.igc':
    'racines IGC Santé TEST (simulées) : à installer comme autorités de confiance des serveurs de messagerie',
  'kit.file.nonIgc':
    'racine de l’AC commerciale fictive : à installer dans le magasin du système pour l’autoconfiguration en HTTPS',
  'kit.file.evidence':
    'racine des preuves de la plateforme : vérifie la signature des dossiers de preuves ; ' +
    'à ne pas installer comme autorité TLS',
  'kit.file.key': 'clé privée du certificat ORG_AUTH_CLI de test (PEM)',
  'kit.file.chain': 'certificat ORG_AUTH_CLI de test et son AC (PEM)',
  'kit.file.pkcs12': 'le même certificat et sa clé en PKCS#12',
  'kit.file.pkcs12Password': 'mot de passe du fichier PKCS#12',
  'kit.file.mailboxes': 'les BAL du compte, leur usage et leur mot de passe de test',
  'kit.file.endpoints': 'les points d’accès IMAP et SMTP (STARTTLS), le DNS et l’adresse d’autoconfiguration',
  'kit.file.autoconfig': 'fichier d’autoconfiguration Thunderbird de {address}',
  'kit.readme': `Kit de configuration motco du compte {nil}
Plateforme : {url}

Contenu :
{files}

1. Installez les racines de confiance/ dans le LPS (IGC Santé TEST) et dans le magasin du système (AC commerciale).
2. Configurez chaque BAL de bal.json avec les serveurs de serveurs.json (STARTTLS, ports indiqués), ou laissez le
   LPS s’autoconfigurer (fichiers autoconfig/, ou l’adresse d’autoconfiguration de serveurs.json).
3. BAL applicative : présentez le certificat de certificat/ dans la négociation TLS.
4. Lancez les tests depuis l’outil de la plateforme ; le tableau de conformité montre ce qu’il reste à réussir.

Les mots de passe et la clé privée sont des secrets de test : ne les utilisez nulle part ailleurs.
`,

  // « Contacter l'agence » (manual §1.5)
  'contact.title': 'Contacter l’agence',
  'contact.intro':
    'Le message ci-dessous est prêt : objet préfixé « [MOTCO2] », votre compte, ' +
    'les numéros de vos dernières exécutions et, si vous l’indiquez, la référence de votre dossier de preuves. ' +
    'Complétez-le avant de l’envoyer.',
  'contact.to': 'Destinataire :',
  'contact.noAddress':
    'Cette plateforme n’a pas d’adresse de l’agence configurée : copiez le message et envoyez-le à l’adresse que ' +
    'l’agence vous a donnée.',
  'contact.dossier': 'Référence du dossier de preuves',
  'contact.dossierHint':
    'Par exemple D20250114-153012-7F3A : elle figure dans le nom du fichier ZIP et dans son manifest.json.',
  'contact.refresh': 'Ajouter au message',
  'contact.subject': '{nil} — tests de référencement Ségur ({ok}/{total} OK)',
  'contact.subject.label': 'Objet',
  'contact.subject.hint': 'Toujours préfixé « [MOTCO2] » ; {max} caractères au plus.',
  'contact.message': 'Message',
  'contact.send': 'Envoyer à l’agence',
  'contact.mailto': 'Ouvrir dans ma messagerie',
  'contact.sendsHint':
    'Envoyé par la plateforme ; les réponses de l’agence arrivent à l’adresse e-mail de votre compte.',
  'contact.mailtoHint': 'Votre logiciel de messagerie s’ouvre avec ce message, que vous envoyez vous-même.',
  'contact.sent': 'Message envoyé à {to}.',
  'contact.error.subject': 'Indiquez un objet.',
  'contact.error.message': 'Écrivez un message.',
  'contact.error.tooLong': 'Le message dépasse {max} caractères.',
  'contact.error.not-configured': 'Cette plateforme n’envoie pas de courrier : utilisez « Ouvrir dans ma messagerie ».',
  'contact.error.throttled': 'Trop de messages envoyés à l’agence dans l’heure : réessayez plus tard.',
  'contact.error.failed':
    'Le message n’a pas pu être envoyé (relais de messagerie injoignable ou en refus) : réessayez, ' +
    'ou utilisez « Ouvrir dans ma messagerie ».',
  'contact.body.greeting': 'Bonjour,',
  'contact.body.request':
    'Je vous transmets les résultats des tests de référencement Ségur de notre LPS pour validation.',
  'contact.body.account': 'Compte : NIL {nil} — {organisation} ({immatriculation}) — nom utilisateur {user}',
  'contact.body.platform': 'Plateforme de test : {url}',
  'contact.body.score': 'Tableau de conformité : {ok}/{total} OK',
  'contact.body.dossier': 'Dossier de preuves : {reference}',
  'contact.body.executions': 'Dernière exécution de chaque test unitaire :',
  'contact.body.noExecution': 'Aucune exécution terminée pour l’instant.',
  'contact.body.execution': '- n° {id} : {verdict} — {title}',
  'contact.body.closing': 'Cordialement,',
} as const;
