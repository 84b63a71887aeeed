// How every API route is declared: method, path, roles, and zod schemas of its parameters, query, body and
// JSON answer. The same declaration validates requests (French messages per field), shapes answers (the
// payload goes through the answer's schema, so the document says exactly what is sent) and writes the
// route into the OpenAPI document (openapi.ts): there is no second description to drift.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Role } from '../accounts/directory.ts';
import type { Auth, Caller } from '../auth/index.ts';
import { t } from '../i18n/messages.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT';
type Schema = z.ZodType | undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

export interface FieldProblem {
  field: string;
  code?: string;
  message: string;
}

/** An answer other than success: its status, a stable code and a French message (per field for invalid input). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldProblem[],
  ) {
    super(message);
  }
}

export const notFound = () => new ApiError(404, 'not_found', t('api.error.notFound'));

/** What the access policy (src/auth/access.ts) lets the caller reach, or the API's 404. */
export function reached<T>(value: T | undefined): T {
  if (value === undefined) throw notFound();
  return value;
}

export interface RouteContext<P extends Schema, Q extends Schema, B extends Schema, Public extends boolean> {
  request: FastifyRequest;
  reply: FastifyReply;
  caller: Public extends true ? undefined : Caller;
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
}

type Answer<R extends Schema> = R extends z.ZodType
  ? { status: number; description: string; schema: R }
  : { status: number; description: string; contentType: string };

export interface RouteSpec<
  P extends Schema,
  Q extends Schema,
  B extends Schema,
  R extends Schema,
  Public extends boolean,
> {
  method: HttpMethod;
  /** Path under /api/v1, Fastify style: /accounts/:id */
  url: string;
  operationId: string;
  tag: string;
  /** French, for the vendors' developers who read the document. */
  summary: string;
  /** Roles allowed to call it (others get 403), or public. Which records a role reaches is the handler's call (404). */
  roles: Public extends true ? 'public' : readonly Role[];
  params?: P;
  query?: Q;
  body?: B;
  /** The success answer: JSON through `schema`, or another content type the handler sends itself. */
  answer: Answer<R>;
  /** Error statuses worth documenting besides 401/403. */
  errors?: number[];
  handler: (context: RouteContext<P, Q, B, Public>) => Promise<R extends z.ZodType ? z.input<R> : FastifyReply | void>;
}

export type AnyRouteSpec = RouteSpec<Schema, Schema, Schema, Schema, boolean>;

/** Declares routes on a Fastify scope and remembers them for the OpenAPI document. */
export class Router {
  readonly specs: AnyRouteSpec[] = [];

  constructor(
    private readonly scope: FastifyInstance,
    private readonly auth: Auth,
    /** Origin of publicUrl: pages behind a TLS-terminating proxy are served from it. */
    private readonly publicOrigin: string,
  ) {}

  route<
    P extends Schema = undefined,
    Q extends Schema = undefined,
    B extends Schema = undefined,
    R extends Schema = undefined,
    Public extends boolean = false,
  >(spec: RouteSpec<P, Q, B, R, Public>): void {
    this.specs.push(spec as unknown as AnyRouteSpec);
    this.scope.route({
      method: spec.method,
      url: spec.url,
      // Only what the document lists: no implicit HEAD (which would also open an event stream).
      exposeHeadRoute: false,
      handler: async (request, reply) => {
        const caller =
          spec.roles === 'public' ? undefined : await this.authorise(request, spec.roles as readonly Role[]);
        const params = parseInput(spec.params, request.params);
        const query = parseInput(spec.query, request.query);
        const body = parseInput(spec.body, request.body ?? {});
        const result = await spec.handler({
          request,
          reply,
          caller: caller as RouteContext<P, Q, B, Public>['caller'],
          params,
          query,
          body,
        } as RouteContext<P, Q, B, Public>);
        if (!('schema' in spec.answer)) return result;
        return reply
          .code(spec.answer.status)
          .header('cache-control', 'no-store')
          .send(spec.answer.schema.parse(result));
      },
    });
  }

  private async authorise(request: FastifyRequest, roles: readonly Role[]): Promise<Caller> {
    const caller = await this.auth.authenticate(request);
    if (!caller) throw new ApiError(401, 'unauthenticated', t('api.error.unauthenticated'));
    // SameSite=Lax already keeps the cookie off other sites' POSTs; an Origin check covers older browsers.
    const origin = request.headers.origin;
    const sameOrigin = origin === this.publicOrigin || origin === `${request.protocol}://${request.headers.host}`;
    if (caller.via === 'session' && request.method !== 'GET' && origin !== undefined && !sameOrigin) {
      throw new ApiError(403, 'foreign_origin', t('api.error.foreignOrigin'));
    }
    if (!roles.includes(caller.user.role)) throw new ApiError(403, 'forbidden', t('api.error.forbidden'));
    return caller;
  }
}

function parseInput<S extends Schema>(schema: S, value: unknown): Out<S> {
  if (!schema) return undefined as Out<S>;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as Out<S>;
  throw new ApiError(400, 'invalid', t('api.error.invalid'), fieldProblems(parsed.error));
}

function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          field: [...issue.path, key].join('.'),
          code: 'unknown',
          message: t('api.error.unknownField'),
        }))
      : [{ field: issue.path.join('.'), code: issue.code, message: issue.message }],
  );
}
