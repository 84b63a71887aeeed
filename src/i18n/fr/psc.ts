// French messages of the Pro Santé Connect simulator (src/identity/psc/). Their keys start with psc.
// (src/i18n/messages.ts merges every area into the one catalogue).
export const psc = {
  // Pro Santé Connect (simulateur)
  'psc.area': 'Pro Santé Connect — bac à sable simulé',
  'psc.bindingMessageRule': 'binding_message doit contenir exactement 2 chiffres (00 à 99)',
  'psc.login.title': 'Connexion avec e-CPS (simulation)',
  'psc.login.intro':
    'L’application « {client} » demande votre identification Pro Santé Connect. Choisissez l’identité de test avec ' +
    'laquelle vous connecter, puis confirmez comme vous le feriez sur l’application e-CPS.',
  'psc.login.identity': 'Identité de test',
  'psc.login.confirm': 'Confirmer',
  'psc.login.cancel': 'Annuler',
  'psc.login.noIdentity': 'Aucune identité de test n’existe encore. Créez-en une d’abord :',
  'psc.login.unknownIdentity': 'Choisissez une identité de test de la liste.',
  'psc.ecps.title': 'e-CPS de test',
  'psc.ecps.intro':
    'Demandes d’authentification (CIBA) en attente, telles que l’application e-CPS les présenterait. ' +
    'Vérifiez que le code affiché par le logiciel est le même que celui-ci, puis acceptez ou refusez.',
  'psc.ecps.filter': 'IdNat (facultatif, pour ne voir que ses demandes)',
  'psc.ecps.show': 'Afficher',
  'psc.ecps.pending': 'Demandes en attente',
  'psc.ecps.client': 'Application',
  'psc.ecps.binding': 'Code affiché',
  'psc.ecps.channel': 'Canal',
  'psc.ecps.expires': 'Expire à',
  'psc.ecps.answer': 'Réponse',
  'psc.ecps.accept': 'Accepter',
  'psc.ecps.refuse': 'Refuser',
  'psc.ecps.acceptFor': 'Accepter la demande {code} pour {idnat}',
  'psc.ecps.refuseFor': 'Refuser la demande {code} pour {idnat}',
  'psc.ecps.accepted': 'Demande acceptée : l’application reçoit ses jetons à sa prochaine interrogation.',
  'psc.ecps.refused': 'Demande refusée : l’application reçoit un refus (access_denied).',
  'psc.ecps.gone': 'Cette demande n’est plus en attente (déjà traitée ou expirée).',
  'psc.ecps.none': 'Aucune demande en attente.',
  'psc.edit.title': 'Identités de test (EDIT simulé)',
  'psc.edit.intro':
    'Créez ici les identités de test du bac à sable Pro Santé Connect simulé, comme avec l’outil EDIT de l’ANS.',
  'psc.edit.idnat': 'IdNat',
  'psc.edit.idnatHint':
    '12 chiffres : 8 suivi du n° RPPS (11 chiffres), ou le format de test 87AAMMJJHHMM (87 puis la date et l’heure ' +
    'de création, par exemple {example}).',
  'psc.edit.civilite': 'Civilité',
  'psc.edit.given': 'Prénom',
  'psc.edit.family': 'Nom',
  'psc.edit.profession': 'Profession',
  'psc.edit.create': 'Créer l’identité',
  'psc.edit.created': 'Identité {idnat} créée.',
  'psc.edit.list': 'Identités existantes',
  'psc.edit.empty': 'Aucune identité de test pour l’instant.',
  'psc.identity.idnat_missing': 'Saisissez l’IdNat.',
  'psc.identity.idnat_format':
    'L’IdNat doit comporter 12 chiffres : 8 suivi du n° RPPS (11 chiffres), ou 87AAMMJJHHMM.',
  'psc.identity.idnat_date':
    'Au format 87AAMMJJHHMM, AAMMJJHHMM doit être une date et une heure qui existent (mois 01 à 12, jour du mois, ' +
    'heure 00 à 23, minute 00 à 59).',
  'psc.identity.idnat_future': 'Au format 87AAMMJJHHMM, la date de création ne peut pas être dans le futur.',
  'psc.identity.idnat_exists': 'Une identité de test porte déjà cet IdNat.',
  'psc.identity.idnat_other_organisation': 'Cet IdNat est celui d’un compte d’une autre organisation.',
  'psc.access.role':
    'Les identités de test PSC sont celles des éditeurs, chacun pour son organisation : ' +
    'votre rôle ne donne pas accès à ces pages.',
  'psc.identity.civilite_invalid': 'Civilité inconnue : choisissez M ou Mme.',
  'psc.identity.given_missing': 'Saisissez le prénom.',
  'psc.identity.family_missing': 'Saisissez le nom.',
  'psc.identity.name_too_long': '100 caractères au plus.',
  'psc.identity.profession_invalid': 'Profession inconnue : choisissez-en une de la liste.',
} as const;
