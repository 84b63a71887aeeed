// Shapes the API sends and receives, shared by its resources; described once here, they validate, shape
// answers and fill the OpenAPI document.
import { z } from 'zod';

const id = z.coerce.number().int().positive();
export const idParams = z.strictObject({ id: id.describe('Identifiant') });
const time = z.number().int().describe('Millisecondes depuis le 1er janvier 1970 (UTC)');

export const errorSchema = z
  .object({
    error: z.string().describe('Code stable de l’erreur'),
    message: z.string().describe('Message en français'),
    fields: z.array(z.object({ field: z.string(), code: z.string().optional(), message: z.string() })).optional().describe('Un message par champ invalide'),
  });

export const accountInputSchema = z.strictObject({
  nil: z.string().describe('Référence produit (NIL) de Convergence'),
  idnatPsc: z.string().nullish().describe('Identifiant national PSC : BAL personnelle'),
  idnatAuthCli: z.string().nullish().describe('Identifiant national AUTH_CLI : BAL applicative et certificat ORG_AUTH_CLI'),
});

const organisationSchema = z.object({ id: z.number().int(), raisonSociale: z.string(), immatriculation: z.string(), telephone: z.string().nullable(), adresse: z.string().nullable() });

export const accountSchema = z
  .object({
    id: z.number().int(),
    organisation: organisationSchema,
    nil: z.string(),
    idnatPsc: z.string().nullable(),
    idnatAuthCli: z.string().nullable(),
    status: z.enum(['creating', 'available', 'unavailable']),
    statusLabel: z.string().describe('En cours de création, Disponible ou Indisponible'),
    pending: z.object({ nil: z.string(), idnatPsc: z.string().nullable(), idnatAuthCli: z.string().nullable(), requestedAt: time, requestedBy: z.string() }).nullable().describe('Modification en attente du traitement de création'),
    runnerUserId: z.string().describe('Nom utilisateur des journaux d’exécution'),
    patientAddress: z.string().describe('Adresse patient de test (matricule INS)'),
    mailboxes: z.object({ personal: z.string().nullable(), applicative: z.string().nullable(), patient: z.string().nullable() }),
    passwords: z
      .object({ personal: z.string().nullable(), applicative: z.string().nullable(), patient: z.string().nullable() })
      .nullable()
      .describe('Mot de passe de test de chaque BAL actuelle (IMAP/SMTP, PLAIN ou LOGIN) ; pour l’éditeur propriétaire du compte seulement, null pour les autres appelants'),
    formerMailboxes: z.array(z.object({ address: z.string(), role: z.enum(['personal', 'applicative', 'patient']), attachedAt: time, detachedAt: time })),
    certificate: z
      .object({
        idnat: z.string(),
        serialNumber: z.string(),
        notAfter: time,
        pkcs12Password: z.string().describe('Mot de passe du fichier PKCS#12 (GET /accounts/{id}/certificate.p12)'),
      })
      .nullable()
      .describe('Certificat ORG_AUTH_CLI de test (OU = identifiant national AUTH_CLI)'),
    createdBy: z.string(),
    createdAt: time,
    updatedAt: time,
    provisionedAt: time.nullable(),
  });

export const checkSchema = z.object({
  id: z.string(),
  label: z.string(),
  outcome: z
    .enum(['pass', 'fail', 'missing', 'not_evaluated', 'info'])
    .describe('pass / fail : ce que montre un fait observé (cité) ; missing : manquant à la fin du délai ; not_evaluated : non évalué, le verdict étant acquis avant ; info : information'),
  detail: z.string(),
  requirement: z.string(),
  fix: z.string().optional().describe('« Que corriger » : présent sur chaque vérification en échec ou manquante'),
  critical: z.boolean().optional(),
  observations: z.array(z.number().int()),
});

const verdict = z.enum(['OK', 'KO', 'INCONCLUSIVE', 'ERROR', 'CANCELLED', 'INTERRUPTED']);

export const executionSchema = z
  .object({
    id: z.number().int(),
    accountId: z.number().int(),
    account: z
      .object({
        nil: z.string(),
        runnerUserId: z.string(),
        idnatPsc: z.string().nullable(),
        idnatAuthCli: z.string().nullable(),
        personalMailbox: z.string().nullable(),
        applicativeMailbox: z.string().nullable(),
        patientAddress: z.string().nullable(),
      })
      .nullable()
      .describe('Le compte tel qu’il était au lancement'),
    targetType: z.enum(['job', 'folder', 'campaign']),
    targetId: z.string(),
    title: z.string().describe('Titre du travail'),
    parentId: z.number().int().nullable(),
    options: z.object({ delaiSeconds: z.number().int(), ip: z.string().nullable() }),
    status: z.enum(['running', 'finished']),
    verdict: verdict.nullable(),
    startedAt: time,
    endedAt: time.nullable(),
    window: z.object({ start: time, end: time }).nullable(),
    checks: z.array(checkSchema),
    observationIds: z.array(z.number().int()),
    startedBy: z.string(),
  });

/** An execution with its children: a campaign's global jobs, a global job's unit jobs (two levels at most). */
export const executionTreeSchema = executionSchema.extend({
  children: z.array(executionSchema.extend({ children: z.array(executionSchema.extend({ children: z.array(z.never()) })) })),
});

export const logLineSchema = z.object({ seq: z.number().int(), at: time, level: z.enum(['info', 'step', 'fact', 'check', 'result', 'error']), text: z.string(), jobId: z.string().nullable() });

export const observationSchema = z
  .object({
    id: z.number().int(),
    at: time,
    kind: z.string(),
    endpoint: z.string().nullable(),
    protocol: z.string().nullable(),
    sessionId: z.string().nullable(),
    clientIp: z.string().nullable(),
    clientPort: z.number().int().nullable(),
    mailbox: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  });
