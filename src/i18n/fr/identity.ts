// French messages of what both identity-provider simulators share (src/identity/): their settings and the OpenID
// Connect pages. Their keys start with identity., oidc. (src/i18n/messages.ts merges every area into the one
// catalogue).
export const identity = {
  // Formulaires des pages d'identité (PSC et ISC)
  'oidc.errorTitle': 'Une erreur est survenue',
  'oidc.interactionExpired':
    'Cette demande de connexion a expiré ou n’existe pas. Retournez à l’application et recommencez la connexion.',
  'oidc.logoutTitle': 'Déconnexion',
  'oidc.logoutQuestion': 'Voulez-vous vous déconnecter du fournisseur d’identité ?',
  'oidc.logoutYes': 'Se déconnecter',
  'oidc.logoutNo': 'Rester connecté',
  'oidc.loggedOutTitle': 'Vous êtes déconnecté',
  'oidc.loggedOut': 'Votre session auprès du fournisseur d’identité est terminée.',
  'identity.issuerRequired': 'Le paramètre {name}.issuer est obligatoire quand {name}.mode vaut « external ».',
  'identity.clientSecretRequired':
    'Le paramètre {name}.clientSecret est obligatoire quand {name}.mode vaut « external ».',
} as const;
