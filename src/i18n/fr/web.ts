// French messages of what every web page shares (src/web/): the page shell, forms and their CSRF refusal. Their
// keys start with shell., forms. (src/i18n/messages.ts merges every area into the one catalogue).
export const web = {
  // Formulaires des pages d'identité (PSC et ISC)
  'forms.csrfTitle': 'Formulaire expiré',
  'forms.csrf': 'Ce formulaire a expiré ou ne vient pas de cette plateforme. Rechargez la page et recommencez.',
  'forms.fix': 'Le formulaire contient des erreurs :',
  'forms.requiredNote': '* champs obligatoires',
  'forms.help': 'Aide : {label}',

  // Page shell (src/web/html.ts)
  'shell.skip': 'Aller au contenu',
  'shell.profile': 'Profil : {name}',
  'shell.logout': 'Déconnexion',
  'shell.navigation': 'Navigation',
} as const;
