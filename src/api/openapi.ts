// The OpenAPI 3.1 document, written from the routes' own declarations (route.ts) when it is asked for, so
// that it always lists every route with the schemas that validate and shape it.
import { z } from 'zod';
import type { Config } from '../config/config.ts';
import { SESSION_COOKIE } from '../auth/index.ts';
import type { AnyRouteSpec, Router } from './route.ts';
import { errorSchema } from './schemas.ts';

export const API_PREFIX = '/api/v1';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    reused: 'inline',
  }) as JsonSchema;
  return rest;
}

/** Path and query parameters, one entry per property of the route's object schema. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: where,
      required: where === 'path' || (object.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: propertySchema,
    };
  });
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Requête invalide (un message par champ)',
  401: 'Authentification requise : jeton d’API (Authorization: Bearer) ou cookie de session',
  403: 'Rôle insuffisant',
  404: 'Introuvable (ou appartenant à une autre organisation)',
  409: 'Conflit avec l’état de la ressource',
};

function operation(spec: AnyRouteSpec): JsonSchema {
  const answer = spec.answer;
  const errors = [
    ...(spec.roles === 'public' ? [] : [401, 403]),
    ...(spec.params || spec.query || spec.body ? [400] : []),
    ...(spec.errors ?? []),
  ];
  const responses: Record<string, JsonSchema> = {
    [answer.status]: {
      description: answer.description,
      content: {
        ['schema' in answer ? 'application/json' : answer.contentType]:
          'schema' in answer ? { schema: jsonSchema(answer.schema, 'output') } : {},
      },
    },
  };
  for (const status of [...new Set(errors)].sort())
    responses[status] = {
      description: ERROR_DESCRIPTIONS[status],
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Erreur' } } },
    };
  return {
    operationId: spec.operationId,
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.roles === 'public'
      ? { security: [] }
      : { description: `Rôles : ${spec.roles.join(', ')}.`, 'x-motco-roles': spec.roles }),
    parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
    ...(spec.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } }
      : {}),
    responses,
  };
}

export function openApiDocument(config: Config, specs: readonly AnyRouteSpec[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of specs) {
    const path = API_PREFIX + spec.url.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[spec.method.toLowerCase()] = operation(spec);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'API motco',
      version: '1',
      description:
        'Plateforme de tests de conformité des clients de messagerie MSSanté : comptes produit, ' +
        'catalogue des tests, exécutions et leurs preuves, journal des observations. ' +
        'Un éditeur n’atteint que les données de son organisation ; un relecteur de l’agence lit toute exécution ' +
        'par son identifiant.',
    },
    servers: [{ url: config.publicUrl }],
    security: [{ jeton: [] }, { session: [] }],
    components: {
      securitySchemes: {
        jeton: { type: 'http', scheme: 'bearer', description: 'Jeton d’API (motco token create)' },
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
      },
      schemas: { Erreur: jsonSchema(errorSchema, 'output') },
    },
    paths,
  };
}

export function openApiRoute(router: Router, config: Config): void {
  router.route<undefined, undefined, undefined, undefined, true>({
    method: 'GET',
    url: '/openapi.json',
    operationId: 'getOpenApi',
    tag: 'Documentation',
    summary: 'Ce document OpenAPI 3.1',
    roles: 'public',
    answer: { status: 200, description: 'Document OpenAPI', contentType: 'application/json' },
    async handler({ reply }) {
      return reply.header('cache-control', 'no-cache').send(openApiDocument(config, router.specs));
    },
  });
}
