// A small client of the platform's REST API for the CLI: JSON requests with a bearer token and the
// server-sent events of an execution's live log. The CLI goes through the API so that what it starts is
// what the web UI shows.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.ts';
import { ADMIN_TOKEN_FILE } from '../auth/index.ts';
import { t } from '../i18n/messages.ts';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; message?: string; fields?: { field: string; message: string }[] },
  ) {
    super(body.message ?? `HTTP ${status}`);
  }
}

export interface ServerEvent {
  event: string;
  data: string;
  id: string | undefined;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** The token from --token, else the local admin token the running platform wrote in its data folder. */
  static async forConfig(
    config: Config,
    options: { url?: string | undefined; token?: string | undefined },
  ): Promise<ApiClient> {
    const token =
      options.token ?? (await readFile(path.join(config.dataDir, ADMIN_TOKEN_FILE), 'utf8').catch(() => '')).trim();
    if (!token) throw new Error(t('cli.noApiToken', { file: path.join(config.dataDir, ADMIN_TOKEN_FILE) }));
    return new ApiClient((options.url ?? config.publicUrl).replace(/\/+$/, ''), token);
  }

  async request<T>(method: 'GET' | 'POST' | 'PUT', route: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/api/v1${route}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new Error(t('cli.platformUnreachable', { url: this.baseUrl, message: (error as Error).message }));
    }
    const payload = (await response.json().catch(() => ({}))) as T & ApiRequestError['body'];
    if (!response.ok) throw new ApiRequestError(response.status, payload);
    return payload;
  }

  /** A route that answers a file (a dossier's ZIP, say): its bytes and headers; errors as for request(). */
  async download(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ bytes: Buffer; headers: Headers }> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/api/v1${route}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new Error(t('cli.platformUnreachable', { url: this.baseUrl, message: (error as Error).message }));
    }
    if (!response.ok)
      throw new ApiRequestError(response.status, (await response.json().catch(() => ({}))) as ApiRequestError['body']);
    return { bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
  }

  /** Yields the events of a text/event-stream route until the server closes it. */
  async *events(route: string): AsyncGenerator<ServerEvent> {
    const response = await fetch(`${this.baseUrl}/api/v1${route}`, {
      headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' },
    });
    if (!response.ok || !response.body)
      throw new ApiRequestError(response.status, (await response.json().catch(() => ({}))) as ApiRequestError['body']);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = parseEvent(block);
        if (event) yield event;
      }
    }
  }
}

function parseEvent(block: string): ServerEvent | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue; // heartbeat comment
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  return data.length > 0 ? { event, data: data.join('\n'), id } : undefined;
}
