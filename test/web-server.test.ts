// The web server itself: a French page for unknown URLs (JSON under the API), and the client address seen
// through a trusted reverse proxy only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers/observations.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';

let direct: TestPlatform;
let proxied: TestPlatform;

beforeAll(async () => {
  direct = await startTestPlatform();
  proxied = await startTestPlatform({ web: { trustProxy: ['127.0.0.1'] } });
});

afterAll(async () => {
  await direct?.stop();
  await proxied?.stop();
});

describe('web server', () => {
  it('answers an unknown page with the French « Page introuvable », and an unknown API route in JSON', async () => {
    const page = await fetch(`${direct.config.publicUrl}/nulle-part`);
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Page introuvable');
    const api = await fetch(`${direct.config.publicUrl}/api/v1/nulle-part`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: 'not_found' });
  });

  it('believes X-Forwarded-For only from a configured proxy', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.9' };
    await fetch(`${direct.config.publicUrl}/pki/trust/non-igc-root.pem`, { headers });
    await fetch(`${proxied.config.publicUrl}/pki/trust/non-igc-root.pem`, { headers });
    expect((await waitFor(direct.platform.journal, { kind: 'pki.ca_fetch' })).clientIp).toBe('127.0.0.1');
    expect((await waitFor(proxied.platform.journal, { kind: 'pki.ca_fetch' })).clientIp).toBe('203.0.113.9');
  });
});
