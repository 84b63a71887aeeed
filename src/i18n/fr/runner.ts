// French messages of the test runner (src/runner/): options, live log, results, execution titles. Their keys start
// with runner., execution. (src/i18n/messages.ts merges every area into the one catalogue).
export const runner = {
  // REST API
  'execution.folderTitle': 'Job global {folder}',
  'execution.campaignTitle': 'Campagne de référencement Ségur',
  'execution.selectionTitle': 'Reprise des tests non réussis',

  // Verdict truth (issue 11): neutral « non évalué », what an INCONCLUSIVE saw instead, « Que corriger »
  'runner.fix': '↳ Que corriger : {fix}',
  'runner.notEvaluated': 'non évalué',

  // Test runner: options, live log and results (manual figures 11–14)
  'runner.error.delai': 'Le délai doit être un nombre entier de secondes entre {min} et {max}.',
  'runner.error.ipFormat':
    'Adresse IP invalide « {ip} » : saisissez une adresse IPv4 (ex. 203.0.113.7) ou IPv6 (ex. 2001:db8::7).',
  'runner.error.ipRequired': 'L’adresse IP publique du poste où tourne le LPS est obligatoire pour ce test.',
  'runner.error.unknownTarget': 'Travail inconnu : {target}',
  'runner.error.unknownAccount': 'Compte inconnu ou indisponible.',
  'runner.error.noPersonalMailbox':
    'Ce compte n’a pas de BAL personnelle (identifiant national PSC) : les tests « MIE PSC » ne peuvent pas être ' +
    'exécutés.',
  'runner.error.noApplicativeMailbox':
    'Ce compte n’a pas de BAL applicative (identifiant national AUTH_CLI) : les tests « MIE AUTH_CLI » ne peuvent ' +
    'pas être exécutés.',
  'runner.unitStart': 'Début du test « {title} » ({id})',
  'runner.user': 'Nom utilisateur {user} — référence produit (NIL) {nil}',
  'runner.endpoint': 'Serveur {protocol} attendu : {host} port {port} (STARTTLS)',
  'runner.options': 'Options : délai {delai} s, adresse IP {ip}',
  'runner.noIp': 'non renseignée',
  'runner.todo': 'À faire maintenant : {instruction}',
  'runner.listening': 'Écoute jusqu’à {until}…',
  'runner.earlyEnd': 'Verdict acquis avant la fin du délai d’écoute.',
  'runner.cancelled': 'Travail arrêté par l’utilisateur.',
  'runner.interrupted': 'Travail interrompu par l’arrêt de la plateforme.',
  'runner.interruptedAtRestart': 'Exécution interrompue : la plateforme s’est arrêtée pendant l’exécution.',
  'runner.platformError': 'Erreur de la plateforme : {message}',
  'runner.result': 'Résultat : {verdict} (code retour {code})',
  'runner.critical': '[CRITIQUE]',
  'runner.folderStart': 'Début du job global {folder} : {count} tests unitaires, chacun avec le délai d’écoute choisi.',
  'runner.campaignStart': 'Début de la campagne de référencement Ségur : {folders}.',
  'runner.selectionStart': 'Début de la reprise de {count} tests unitaires, dans l’ordre du catalogue : {jobs}.',
  'runner.error.units': 'Choisissez au moins un test unitaire, chacun une seule fois, parmi ceux du catalogue.',
  'runner.followFolder': 'suivre les étapes du job global',
  'runner.childStart': 'Étape {index}/{count} — {title} [{id}] (exécution #{execution}) — À faire : {instruction}',
  'runner.childResult': '{title} : {verdict} (exécution #{execution})',
  'runner.childVerdict': 'Verdict {verdict} (exécution #{execution})',
} as const;
