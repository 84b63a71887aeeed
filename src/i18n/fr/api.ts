// French messages of the REST API (src/api/): errors every client reads. Their keys start with api.
// (src/i18n/messages.ts merges every area into the one catalogue).
export const api = {
  // REST API
  'api.error.notFound': 'Ressource introuvable.',
  'api.error.noRoute': 'Cette adresse de l’API n’existe pas (voir /api/v1/openapi.json).',
  'api.error.unauthenticated':
    'Authentification requise : jeton d’API (en-tête Authorization: Bearer …) ou session ouverte.',
  'api.error.forbidden': 'Votre rôle ne permet pas cette opération.',
  'api.error.foreignOrigin': 'Requête refusée : elle ne vient pas d’une page de cette plateforme.',
  'api.error.invalid': 'La requête contient des erreurs.',
  'api.error.unknownField': 'Champ inconnu.',
  'api.error.badRequest': 'Requête mal formée (le corps doit être un objet JSON).',
  'api.error.tooLarge': 'Requête trop volumineuse.',
  'api.error.mediaType': 'Type de contenu non pris en charge : envoyez du JSON (Content-Type: application/json).',
  'api.error.internal': 'Erreur interne de la plateforme.',
  'api.error.instant': 'Date invalide « {value} » : date ISO 8601 ou millisecondes attendues.',
  'api.error.organisationRequired': 'Indiquez l’immatriculation de l’organisation du compte.',
  'api.error.organisationNotYours': 'Vous ne pouvez créer un compte que pour votre organisation.',
  'api.error.accountUnavailable':
    'Ce compte n’est pas disponible : il est en cours de création ou une modification attend le traitement de ' +
    'création.',
  'api.error.notRunning': 'L’exécution #{id} n’est pas en cours.',
} as const;
