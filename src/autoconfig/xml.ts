// The Thunderbird autoconfiguration file (config-v1.1.xml, "clientConfig version 1.1"), the format the
// Référentiel #2 names for MSS-CONF.04.
import { escapeHtml as escapeXml } from '../web/html.ts';
import type { AdvertisedServer } from './advertise.ts';
import type { OAuth2Block } from './oauth2.ts';

export interface ClientConfig {
  domain: string;
  displayName: string;
  displayShortName: string;
  servers: AdvertisedServer[];
  /** Where to get a token for the servers advertised with OAuth2 (a child of clientConfig, after emailProvider). */
  oAuth2?: OAuth2Block;
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
    ...(config.oAuth2 ? oAuth2Lines(config.oAuth2) : []),
    '</clientConfig>',
  ];
  return `${lines.join('\n')}\n`;
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

function oAuth2Lines(block: OAuth2Block): string[] {
  return [
    '  <oAuth2>',
    `    <issuer>${escapeXml(block.issuer)}</issuer>`,
    `    <scope>${escapeXml(block.scope)}</scope>`,
    `    <authURL>${escapeXml(block.authURL)}</authURL>`,
    `    <tokenURL>${escapeXml(block.tokenURL)}</tokenURL>`,
    '  </oAuth2>',
  ];
}
