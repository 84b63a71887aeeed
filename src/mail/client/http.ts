// HTTP GET for the platform's clients (the reference LPS's CRLs and autoconfiguration files) from a chosen
// local address: the platform attributes those fetches by the client's IP, so they must leave from the
// address the mail sessions use.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';

export interface HttpOptions {
  localAddress?: string | undefined;
  /** Extra authorities for https (added to the system store), e.g. a test CA the vendor installed system-wide. */
  extraCa?: string | undefined;
}

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

const TIMEOUT_MS = 15_000;

export function httpGet(url: string, options: HttpOptions = {}): Promise<HttpAnswer> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const common = {
    headers: { 'user-agent': 'motco-lps-reference', accept: '*/*' },
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  };
  return new Promise((resolve, reject) => {
    const request = secure
      ? https.get(target, { ...common, ...(options.extraCa ? { ca: [...tls.rootCertificates, options.extraCa] } : {}) })
      : http.get(target, common);
    request.setTimeout(TIMEOUT_MS, () => request.destroy(new Error(`no answer from ${url}`)));
    request.once('error', reject);
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.once('error', reject);
      response.once('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
  });
}
