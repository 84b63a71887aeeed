// docs/reference/rest-api.md: every route of the REST API, from the OpenAPI document the platform serves at
// /api/v1/openapi.json (src/api/openapi.ts, written from the routes' own zod declarations). The document is
// asked of the API's own Fastify routes in-process (inject): no port is opened and no store is touched.
import Fastify from 'fastify';
import { apiRoutes, type ApiDeps } from '../../src/api/index.ts';
import type { Config } from '../../src/config/config.ts';
import { fieldRows, type Schema, typeText } from './json-schema.ts';
import { banner, code, page, prose, table } from './markdown.ts';

interface Operation {
  operationId: string;
  tags?: string[];
  summary?: string;
  security?: unknown[];
  'x-motco-roles'?: string[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema: Schema }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}

export interface OpenApiDocument {
  info: { title: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Schema>;
    securitySchemes: Record<
      string,
      { description?: string; type: string; in?: string; name?: string; scheme?: string }
    >;
  };
}

/** The document as the running platform serves it, built from the API's routes without listening. */
export async function openApi(config: Config): Promise<OpenApiDocument> {
  const app = Fastify();
  // Route declarations only read the configuration; nothing else is called until a request is handled.
  const unused = new Proxy(
    {},
    {
      get: (_, key) => {
        throw new Error(`docs: the API touched deps.${String(key)} while declaring its routes`);
      },
    },
  );
  try {
    await apiRoutes({
      config,
      accounts: unused,
      directory: unused,
      auth: unused,
      runner: unused,
      executions: unused,
      journal: unused,
      schedule: unused,
      pki: unused,
      log: unused,
    } as unknown as Omit<ApiDeps, 'streams'>)(app);
    const answer = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    if (answer.statusCode !== 200) throw new Error(`docs: /api/v1/openapi.json answered ${answer.statusCode}`);
    return JSON.parse(answer.body) as OpenApiDocument;
  } finally {
    await app.close();
  }
}

const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete'];

export async function restApiPage(config: Config): Promise<string> {
  const doc = await openApi(config);
  const operations = Object.entries(doc.paths).flatMap(([route, methods]) =>
    Object.entries(methods)
      .sort(([a], [b]) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b))
      .map(([method, operation]) => ({ route, method: method.toUpperCase(), operation })),
  );
  const roles = (o: Operation) => (o['x-motco-roles'] ? o['x-motco-roles'].join(', ') : 'public');
  const tags = [...new Set(operations.map((o) => o.operation.tags?.[0] ?? ''))];
  const blocks: string[] = [];
  for (const tag of tags) {
    blocks.push(`## ${tag}`);
    for (const { route, method, operation } of operations.filter((o) => (o.operation.tags?.[0] ?? '') === tag)) {
      blocks.push(`### ${code(`${method} ${route}`)}`);
      blocks.push(
        `${prose(operation.summary ?? '')} — roles: ${roles(operation)}; operation ${code(operation.operationId)}.`,
      );
      const parameters = operation.parameters ?? [];
      if (parameters.length > 0) {
        blocks.push(
          table(
            ['parameter', 'in', 'type', 'required', 'description'],
            parameters.map((p) => [
              code(p.name),
              p.in,
              typeText(p.schema),
              p.required ? 'yes' : '',
              prose(p.description ?? ''),
            ]),
          ),
        );
      }
      const body = operation.requestBody && Object.values(operation.requestBody.content)[0]?.schema;
      if (body)
        blocks.push('Request body (JSON):', table(['field', 'type', 'required', 'description'], fieldRows(body)));
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400) continue;
        const [contentType, content] = Object.entries(response.content ?? {})[0] ?? [];
        blocks.push(
          `Answer ${code(status)} ${prose(response.description ?? '')}` +
            `${contentType ? ` (${code(contentType)})` : ''}${content?.schema ? ':' : '.'}`,
        );
        const rows = fieldRows(content?.schema);
        if (rows.length > 0) blocks.push(table(['field', 'type', 'always', 'description'], rows));
        else if (content?.schema) blocks.push(`A value of type ${typeText(content.schema)}.`);
      }
      const errors = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
      if (errors.length > 0)
        blocks.push(
          `Errors: ${errors.map(([status, r]) => `${code(status)} ${prose(r.description ?? '')}`).join('; ')}.`,
        );
    }
  }
  const error = doc.components.schemas.Erreur;
  return page([
    banner(['the OpenAPI document of src/api/openapi.ts (the routes’ zod declarations)']),
    '# REST API reference',
    `JSON under ${code('/api/v1')}, French messages; the running platform serves this description ` +
      `as an OpenAPI 3.1 document at ${code('/api/v1/openapi.json')}. ` +
      `The [operator guide](../operator-guide.md#scripting-the-platform-cli-and-rest-api) ` +
      `explains authentication, roles and isolation with examples; in short, ` +
      `every route but the document itself wants an API token (${code('Authorization: Bearer motco_…')}, ` +
      `from ${code('motco token create')}) or the web session cookie, a vendor reaches only its organisation's ` +
      `data (anything else answers 404 like an unknown id), a reviewer reads any execution, an admin everything.`,
    `Errors have one shape (${code('Erreur')}):`,
    table(['field', 'type', 'always', 'description'], fieldRows(error)),
    table(
      ['route', 'what', 'roles'],
      operations.map(({ route, method, operation }) => [
        code(`${method} ${route}`),
        prose(operation.summary ?? ''),
        roles(operation),
      ]),
    ),
    ...blocks,
  ]);
}
