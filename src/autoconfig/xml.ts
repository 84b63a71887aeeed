// The Thunderbird autoconfiguration file (config-v1.1.xml, "clientConfig version 1.1"), the format the
// Référentiel #2 names for MSS-CONF.04.
import { escapeHtml as escapeXml } from '../web/html.ts';
import type { AdvertisedServer } from './advertise.ts';

export interface ClientConfig {
  domain: string;
  displayName: string;
  displayShortName: string;
  servers: AdvertisedServer[];
}

export function clientConfigXml(config: ClientConfig): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<clientConfig version="1.1">',
    `  <emailProvider id="${escapeXml(config.domain)}">`,
    `    <domain>${escapeXml(config.domain)}</domain>`,
    `    <displayName>${escapeXml(config.displayName)}</displayName>`,
    `    <displayShortName>${escapeXml(config.displayShortName)}</displayShortName>`,
    ...config.servers.flatMap(serverLines),
    '  </emailProvider>',
    '</clientConfig>',
  ];
  return lines.join('\n') + '\n';
}

function serverLines(server: AdvertisedServer): string[] {
  const element = server.protocol === 'imap' ? 'incomingServer' : 'outgoingServer';
  return [
    `    <${element} type="${server.protocol}">`,
    `      <hostname>${escapeXml(server.host)}</hostname>`,
    `      <port>${server.port}</port>`,
    `      <socketType>${server.socketType}</socketType>`,
    `      <username>${escapeXml(server.username)}</username>`,
    ...server.authentication.map((value) => `      <authentication>${escapeXml(value)}</authentication>`),
    `    </${element}>`,
  ];
}
