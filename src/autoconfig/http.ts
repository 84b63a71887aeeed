// Autoconfiguration over HTTP(S): the Thunderbird file at /mail/config-v1.1.xml (the path of
// https://autoconfig.<domain>/, CONF.04) and at /.well-known/autoconfig/mail/config-v1.1.xml (the domain's own
// URL form). Every request is recorded with what it advertised, even a refused one.
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import { parseAddress } from '../mail/mailbox/address.ts';
import type { MailboxStore } from '../mail/mailbox/store.ts';
import { normaliseIp } from '../mail/session.ts';
import type { Journal } from '../observe/journal.ts';
import type { Logger } from '../util/log.ts';
import type { RouteRegistrar } from '../web/server.ts';
import { advertisedServers, ANY_ADDRESS, endpointsFor, type AdvertisedServer } from './advertise.ts';
import { pscOAuth2 } from './oauth2.ts';
import { clientConfigXml } from './xml.ts';

const AUTOCONFIG_PATHS = ['/mail/config-v1.1.xml', '/.well-known/autoconfig/mail/config-v1.1.xml'] as const;

export interface AutoconfigHttpDeps {
  config: Config;
  mailboxes: MailboxStore;
  journal: Journal;
  log: Logger;
}

interface Outcome {
  status: number;
  body: string;
  mailbox: { address: string; type: string } | null;
  answered: AdvertisedServer[];
}

export function autoconfigRoutes(deps: AutoconfigHttpDeps): RouteRegistrar {
  const { config, mailboxes, journal, log } = deps;
  const oAuth2 = pscOAuth2(config, log);

  const handle = async (request: FastifyRequest<{ Querystring: Record<string, unknown> }>, reply: FastifyReply) => {
    const asked = request.query.emailaddress;
    const outcome = await decide(asked);
    try {
      await journal.record({
        kind: 'autoconfig.http',
        protocol: 'http',
        clientIp: normaliseIp(request.ip),
        clientPort: request.socket.remotePort,
        data: {
          path: request.url,
          scheme: request.protocol,
          host: request.headers.host ?? null,
          sni: (request.socket as Partial<TLSSocket>).servername || null,
          userAgent: request.headers['user-agent'] ?? null,
          emailaddress: asked ?? null,
          mailbox: outcome.mailbox,
          status: outcome.status,
          answered: outcome.answered.map((server) => ({ ...server, authentication: [...server.authentication] })),
        },
      });
    } catch (error) {
      // A journal failure must not cost the client its answer.
      log.warn('autoconfig: journal record failed', { error });
    }
    return reply
      .code(outcome.status)
      .header('cache-control', 'no-store')
      .type(outcome.status === 200 ? 'application/xml; charset=utf-8' : 'text/plain; charset=utf-8')
      .send(outcome.body);
  };

  return (app: FastifyInstance) => {
    for (const path of AUTOCONFIG_PATHS) app.get(path, handle);
  };

  async function decide(asked: unknown): Promise<Outcome> {
    const refuse = (status: number, body: string): Outcome => ({
      status,
      body: `${body}\n`,
      mailbox: null,
      answered: [],
    });
    const answer = async (servers: AdvertisedServer[], mailbox: Outcome['mailbox']): Promise<Outcome> => {
      // The PSC endpoints go with the servers a PSC token opens.
      const block = servers.some((s) => s.authentication.includes('OAuth2')) ? await oAuth2() : undefined;
      const body = clientConfigXml({
        domain: config.mailDomain,
        displayName: t('autoconfig.displayName'),
        displayShortName: t('autoconfig.displayShortName'),
        servers,
        ...(block ? { oAuth2: block } : {}),
      });
      return { status: 200, body, mailbox, answered: servers };
    };
    // The ANS text names the URL without a query string: a client may leave the address out, and gets
    // the domain's generic file, as a static autoconfig host would serve it.
    if (asked === undefined)
      return answer(advertisedServers(config, endpointsFor(config, undefined), ANY_ADDRESS), null);
    const parsed = typeof asked === 'string' ? parseAddress(asked) : undefined;
    if (!parsed) return refuse(400, t('autoconfig.invalidAddress', { address: String(asked) }));
    if (parsed.domain !== config.mailDomain)
      return refuse(404, t('autoconfig.foreignDomain', { domain: parsed.domain, mailDomain: config.mailDomain }));
    const mailbox = await mailboxes.find(parsed.address);
    const servers = advertisedServers(config, endpointsFor(config, mailbox?.type), parsed.address);
    return answer(servers, mailbox ? { address: mailbox.address, type: mailbox.type } : null);
  }
}
