// HTTP face of the PKI: CRLs, CA certificates, trust bundles and the OCSP responder (RFC 6960 appendix A,
// POST and GET). Every fetch is recorded in the journal: whether a client checks revocation is evidence.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FactData, Journal } from '../observe/journal.ts';
import type { Logger } from '../util/log.ts';
import type { RouteRegistrar } from '../web/server.ts';
import type { Authority, CaName } from './authorities.ts';
import { crlNumber } from './crl.ts';
import type { x509 } from './engine.ts';
import { PKI_PATHS } from './issue.ts';
import { t } from '../i18n/messages.ts';
import type { OcspAnswer } from './ocsp.ts';
import type { Holder } from './registry.ts';

/** What the routes serve, provided by TestPki. */
export interface PkiHttpSource {
  crl(name: string): x509.X509Crl | undefined;
  authority(name: string): Authority | undefined;
  /** Content of a trust file (see TRUST_FILES) by file name. */
  trustFile(name: string): string | undefined;
  answerOcsp(requestDer: Uint8Array): Promise<OcspAnswer>;
  holderOf(issuer: CaName, serialNumber: string): Holder | undefined;
}

const OCSP_REQUEST_TYPE = 'application/ocsp-request';
/** A request for a few certificates is a few hundred bytes. */
const OCSP_BODY_LIMIT = 16 * 1024;
const TEXT = 'text/plain; charset=utf-8';

type PkiKind = 'pki.crl_fetch' | 'pki.ocsp_request' | 'pki.ca_fetch';

export function pkiRoutes(source: PkiHttpSource, journal: Journal, log: Logger): RouteRegistrar {
  const observe = async <K extends PkiKind>(request: FastifyRequest, kind: K, data: FactData<K>) => {
    try {
      await journal.record<K>({
        kind,
        protocol: 'http',
        clientIp: request.ip,
        clientPort: request.socket.remotePort,
        data,
      });
    } catch (error) {
      // A journal failure must not cost the client its answer.
      log.warn('pki: journal record failed', { kind, error });
    }
  };

  const answerOcsp = async (request: FastifyRequest, reply: FastifyReply, der: Uint8Array) => {
    const answer = await source.answerOcsp(der);
    // Each serial with whom it was issued to: an endpoint, a structure (IdNat) or one of our CAs.
    const requests = answer.requests.map((r) => ({
      ...r,
      ...(r.issuer ? source.holderOf(r.issuer, r.serialNumber) : {}),
    }));
    await observe(request, 'pki.ocsp_request', {
      method: request.method,
      responseStatus: answer.responseStatus,
      nonce: answer.nonce,
      requests,
      ...asked(request),
    });
    return reply
      .code(answer.responseStatus === 'malformedRequest' ? 400 : 200)
      .type('application/ocsp-response')
      .send(answer.der);
  };

  return async (app: FastifyInstance) => {
    // Encapsulated, so that only OCSP requests are accepted as bodies here and nowhere else.
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        OCSP_REQUEST_TYPE,
        { parseAs: 'buffer', bodyLimit: OCSP_BODY_LIMIT },
        (_request, body, done) => done(null, body),
      );

      scope.get<{ Params: { file: string } }>(`${PKI_PATHS.crl}/:file`, async (request, reply) => {
        const name = withoutSuffix(request.params.file, '.crl');
        const crl = name === undefined ? undefined : source.crl(name);
        await observe(request, 'pki.crl_fetch', {
          ca: name,
          found: crl !== undefined,
          crlNumber: crl && crlNumber(crl),
          ...asked(request),
        });
        if (!crl)
          return reply
            .code(404)
            .type(TEXT)
            .send(t('pki.unknownCrl', { name: request.params.file }));
        return reply.type('application/pkix-crl').send(Buffer.from(crl.rawData));
      });

      scope.get<{ Params: { file: string } }>(`${PKI_PATHS.ca}/:file`, async (request, reply) => {
        const name = withoutSuffix(request.params.file, '.crt');
        const authority = name === undefined ? undefined : source.authority(name);
        await observe(request, 'pki.ca_fetch', { ca: name, found: authority !== undefined, ...asked(request) });
        if (!authority)
          return reply
            .code(404)
            .type(TEXT)
            .send(t('pki.unknownCa', { name: request.params.file }));
        return reply.type('application/pkix-cert').send(authority.certificate.der);
      });

      scope.get<{ Params: { file: string } }>(`${PKI_PATHS.trust}/:file`, async (request, reply) => {
        const content = source.trustFile(request.params.file);
        await observe(request, 'pki.ca_fetch', {
          file: request.params.file,
          found: content !== undefined,
          ...asked(request),
        });
        if (content === undefined)
          return reply
            .code(404)
            .type(TEXT)
            .send(t('pki.unknownCa', { name: request.params.file }));
        return reply.type('application/x-pem-file').send(content);
      });

      // No body at all is answered like a garbage one.
      scope.post(PKI_PATHS.ocsp, async (request, reply) =>
        answerOcsp(request, reply, Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)),
      );

      // GET form: the DER request, base64 then URL-encoded, as the last path segment(s) (base64 may hold '/').
      scope.get<{ Params: { '*': string } }>(`${PKI_PATHS.ocsp}/*`, async (request, reply) =>
        answerOcsp(request, reply, requestOfGet(request.params['*'])),
      );
    });
  };
}

/** What every PKI fact keeps of the request. */
function asked(request: FastifyRequest): { path: string; userAgent: string | undefined } {
  return { path: request.url, userAgent: request.headers['user-agent'] };
}

function withoutSuffix(file: string, suffix: string): string | undefined {
  return file.endsWith(suffix) ? file.slice(0, -suffix.length) : undefined;
}

/** The DER request of the GET form; empty (hence malformedRequest) when its URL encoding is broken. */
function requestOfGet(segment: string): Buffer {
  try {
    return Buffer.from(decodeURIComponent(segment), 'base64');
  } catch {
    return Buffer.alloc(0);
  }
}
