// Shapes the API sends and receives, shared by its resources; described once here, they validate, shape
// answers and fill the OpenAPI document.
import { z } from 'zod';
import { journalKinds } from '../observe/facts.ts';
import type { RunEvent } from '../runner/types.ts';

const id = z.coerce.number().int().positive();
export const idParams = z.strictObject({ id: id.describe('Identifiant') });
const time = z.number().int().describe('Millisecondes depuis le 1er janvier 1970 (UTC)');

export const errorSchema = z.object({
  error: z.string().describe('Code stable de l’erreur'),
  message: z.string().describe('Message en français'),
  fields: z
    .array(z.object({ field: z.string(), code: z.string().optional(), message: z.string() }))
    .optional()
    .describe('Un message par champ invalide'),
});

export const accountInputSchema = z.strictObject({
  nil: z.string().describe('Référence produit (NIL) de Convergence'),
  idnatPsc: z.string().nullish().describe('Identifiant national PSC : BAL personnelle'),
  idnatAuthCli: z
    .string()
    .nullish()
    .describe('Identifiant national AUTH_CLI : BAL applicative et certificat ORG_AUTH_CLI'),
});

const organisationSchema = z.object({
  id: z.number().int(),
  raisonSociale: z.string(),
  immatriculation: z.string(),
  telephone: z.string().nullable(),
  adresse: z.string().nullable(),
});

export const accountSchema = z.object({
  id: z.number().int(),
  organisation: organisationSchema,
  nil: z.string(),
  idnatPsc: z.string().nullable(),
  idnatAuthCli: z.string().nullable(),
  status: z.enum(['creating', 'available', 'unavailable']),
  statusLabel: z.string().describe('En cours de création, Disponible ou Indisponible'),
  pending: z
    .object({
      nil: z.string(),
      idnatPsc: z.string().nullable(),
      idnatAuthCli: z.string().nullable(),
      requestedAt: time,
      requestedBy: z.string(),
    })
    .nullable()
    .describe('Modification en attente du traitement de création'),
  runnerUserId: z.string().describe('Nom utilisateur des journaux d’exécution'),
  patientAddress: z.string().describe('Adresse patient de test (matricule INS)'),
  mailboxes: z.object({
    personal: z.string().nullable(),
    applicative: z.string().nullable(),
    patient: z.string().nullable(),
  }),
  passwords: z
    .object({ personal: z.string().nullable(), applicative: z.string().nullable(), patient: z.string().nullable() })
    .nullable()
    .describe(
      'Mot de passe de test de chaque BAL actuelle (IMAP/SMTP, PLAIN ou LOGIN) ; pour l’éditeur propriétaire du ' +
        'compte seulement, null pour les autres appelants',
    ),
  formerMailboxes: z.array(
    z.object({
      address: z.string(),
      role: z.enum(['personal', 'applicative', 'patient']),
      attachedAt: time,
      detachedAt: time,
    }),
  ),
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
    .describe(
      'pass / fail : ce que montre un fait observé (cité) ; missing : manquant à la fin du délai ; ' +
        'not_evaluated : non évalué, le verdict étant acquis avant ; info : information',
    ),
  detail: z.string(),
  requirement: z.string(),
  fix: z.string().optional().describe('« Que corriger » : présent sur chaque vérification en échec ou manquante'),
  critical: z.boolean().optional(),
  observations: z.array(z.number().int()),
});

const verdict = z.enum(['OK', 'KO', 'INCONCLUSIVE', 'ERROR', 'CANCELLED', 'INTERRUPTED']);

export const executionSchema = z.object({
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
  targetType: z.enum(['job', 'folder', 'campaign', 'selection']),
  targetId: z.string(),
  title: z.string().describe('Titre du travail'),
  parentId: z.number().int().nullable(),
  options: z.object({
    delaiSeconds: z.number().int(),
    ip: z.string().nullable(),
    units: z.array(z.string()).optional().describe('Sélection : ses tests unitaires, dans l’ordre'),
  }),
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
  children: z.array(
    executionSchema.extend({ children: z.array(executionSchema.extend({ children: z.array(z.never()) })) }),
  ),
});

const targetType = z.enum(['job', 'folder', 'campaign', 'selection']);

/** The runner's events (src/runner/types.ts RunEvent): what each log line says, as data. */
export const runEventSchema = z
  .discriminatedUnion('type', [
    z
      .object({ type: z.literal('unit.started'), jobId: z.string(), title: z.string() })
      .describe('Début d’un test unitaire'),
    z
      .object({ type: z.literal('user'), runnerUserId: z.string(), nil: z.string() })
      .describe('Nom utilisateur et référence produit (NIL)'),
    z
      .object({
        type: z.literal('endpoint'),
        protocol: z.enum(['imap', 'smtp']),
        host: z.string(),
        port: z.number().int(),
      })
      .describe('Serveur attendu'),
    z
      .object({ type: z.literal('options'), delaiSeconds: z.number().int(), ip: z.string().nullable() })
      .describe('Options de l’exécution'),
    z.object({ type: z.literal('todo'), instruction: z.string() }).describe('À faire maintenant (français)'),
    z
      .object({ type: z.literal('window.open'), from: time, until: time })
      .describe('Le délai d’écoute est ouvert : le client agit maintenant, jusqu’à `until`'),
    z
      .object({ type: z.literal('fact'), observationId: z.number().int(), kind: z.string(), sentence: z.string() })
      .describe('Fait observé (observation du journal) et sa phrase'),
    z.object({ type: z.literal('verdict.early') }).describe('Verdict acquis avant la fin du délai d’écoute'),
    z.object({ type: z.literal('check'), check: checkSchema }).describe('Une vérification du verdict'),
    z
      .object({ type: z.literal('fix'), checkId: z.string(), fix: z.string() })
      .describe('« Que corriger » d’une vérification en échec'),
    z.object({ type: z.literal('verdict'), verdict }).describe('Fin de l’exécution et son verdict'),
    z
      .object({ type: z.literal('stopped'), reason: z.enum(['cancelled', 'shutdown', 'restart']) })
      .describe('Arrêt : par l’utilisateur, par l’arrêt de la plateforme, ou constaté au redémarrage'),
    z.object({ type: z.literal('error'), message: z.string() }).describe('Erreur de la plateforme'),
    z
      .object({ type: z.literal('folder.started'), folderId: z.string(), count: z.number().int() })
      .describe('Début d’un job global'),
    z.object({ type: z.literal('campaign.started'), folders: z.array(z.string()) }).describe('Début de la campagne'),
    z
      .object({ type: z.literal('selection.started'), jobs: z.array(z.string()) })
      .describe('Début d’une sélection de tests unitaires (« Rejouer les KO »)'),
    z
      .object({
        type: z.literal('child.started'),
        executionId: z.number().int(),
        index: z.number().int(),
        count: z.number().int(),
        targetType,
        targetId: z.string(),
        title: z.string(),
        instruction: z.string().nullable(),
      })
      .describe('Début d’une étape, exécution à part entière (#executionId) ; instruction null pour un job global'),
    z
      .object({
        type: z.literal('child.ended'),
        executionId: z.number().int(),
        targetId: z.string(),
        title: z.string(),
        verdict,
      })
      .describe('Fin d’une étape et son verdict'),
  ])
  .describe('Ce que dit la ligne, en données : à lire plutôt que le texte, dont la formulation peut changer');

// The schema says exactly what the runner writes.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameEvents: Same<z.output<typeof runEventSchema>, RunEvent> = true;
void sameEvents;

export const logLineSchema = z.object({
  seq: z.number().int(),
  at: time,
  level: z.enum(['info', 'step', 'fact', 'check', 'result', 'error']),
  text: z.string().describe('La ligne en français'),
  jobId: z.string().nullable(),
  event: runEventSchema
    .nullable()
    .describe(
      'Ce que dit la ligne, en données ; null pour les lignes écrites avant que la plateforme n’enregistre les ' +
        'événements',
    ),
});

/**
 * A fact of the journal. Its `data` is sent as recorded; the document gives its shape for each kind from the
 * journal's own schemas (observe/facts.ts), one `oneOf` branch per kind.
 */
export const observationSchema = z
  .object({
    id: z.number().int(),
    at: time,
    kind: z.string().describe('Type de fait (voir oneOf)'),
    endpoint: z.string().nullable(),
    protocol: z.string().nullable(),
    sessionId: z.string().nullable(),
    clientIp: z.string().nullable(),
    clientPort: z.number().int().nullable(),
    mailbox: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).describe('Données du fait, selon son type'),
  })
  // A getter: the kinds' JSON schemas are built when the OpenAPI document is asked for, not at every start
  // (≈ 0.1 s of CPU).
  .meta({
    get oneOf() {
      return journalKinds().map((k) => ({
        description: k.description,
        properties: { kind: { const: k.kind }, data: k.jsonSchema },
      }));
    },
  });

const evidenceOf = (children: z.ZodType) =>
  z.object({
    execution: executionSchema,
    durationMs: z.number().int().nullable().describe('Durée de l’exécution, une fois terminée'),
    log: z.array(logLineSchema.omit({ event: true })),
    observations: z.array(observationSchema).describe('Observations utilisées par le verdict, en entier'),
    children,
  });

const accountSummarySchema = z.object({
  id: z.number().int(),
  nil: z.string(),
  runnerUserId: z.string(),
  organisation: z.string(),
  idnatPsc: z.string().nullable(),
  idnatAuthCli: z.string().nullable(),
  mailboxes: z.object({
    personal: z.string().nullable(),
    applicative: z.string().nullable(),
    patient: z.string().nullable(),
  }),
});

/**
 * The evidence of an execution (runner/evidence.ts); a campaign's global jobs hold unit jobs: two levels of steps
 * at most.
 */
export const evidenceSchema = evidenceOf(z.array(evidenceOf(z.array(evidenceOf(z.array(z.never())))))).extend({
  account: accountSummarySchema.describe(
    'Le compte tel qu’il était au lancement de l’exécution (tel qu’il est à l’export pour les exécutions plus ' +
      'anciennes)',
  ),
  exportedAt: z.number().int(),
});
