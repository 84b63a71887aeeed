// French messages of the platform as a whole: configuration errors (src/config/), the data folder's rights, times
// (src/i18n/time.ts). Their keys start with config., dataFolder., time. (src/i18n/messages.ts merges every area
// into the one catalogue).
export const platform = {
  // Configuration
  'config.invalid': 'Paramètre de configuration invalide « {setting} » ({source}) : {message}',
  'config.fileNotObject': 'le fichier doit contenir un objet JSON',
  'config.unknownVariable': 'variable inconnue (aucun paramètre ne porte ce nom)',
  'config.sourceEnv': 'variable d’environnement {name}',
  'config.sourceFlag': 'option de ligne de commande',
  'config.sourceDefault': 'valeur par défaut',
  'config.portClash': 'le port {port} est déjà utilisé par {other}',
  'config.sharedPasswordShared':
    'Le mot de passe commun des BAL de test (webmailPassword, MOTCO_WEBMAIL_PASSWORD) ' +
    'est défini alors que plusieurs organisations utilisent la plateforme : chacune peut ouvrir les BAL des autres, ' +
    'dont les adresses (IdNat) sont publiques, et ses sessions comptent comme celles de l’éditeur. ' +
    'Retirez ce paramètre : chaque BAL a son propre mot de passe.',

  // Health check (motco pki check)
  'dataFolder.notPrivate':
    'Le dossier de données n’est pas privé : {path} (mode {mode}, propriétaire uid {owner}) ' +
    'est accessible à d’autres utilisateurs et motco ne peut pas le corriger. Il contient des clés de signature, ' +
    'des jetons et tout le courrier des boîtes de test. Corrigez-le avec « {fix} {path} » sous le compte de son ' +
    'propriétaire, puis relancez.',
  'dataFolder.fixed':
    'Droits du dossier de données corrigés (accessible à d’autres utilisateurs) : {count} fichier(s) ou dossier(s) ' +
    'rendus privés.',

  // Times (src/i18n/time.ts): the zone every page, log and export uses
  'time.zoneUtc': 'heure UTC',
  'time.zoneCity': 'heure de {city}',
  'time.shownIn': 'Toutes les heures sont données à l’{zone}.',
  'time.zoneRow': 'Fuseau horaire',
} as const;
