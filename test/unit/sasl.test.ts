import { describe, expect, it } from 'vitest';
import {
  decodeBase64,
  parseOauthBearer,
  parsePlain,
  parseXoauth2,
  SaslExchange,
} from '../../src/mail/sasl/mechanisms.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('SASL mechanisms', () => {
  it('decodes PLAIN with and without authzid', () => {
    expect(parsePlain('\0alice@x.test\0secret')).toEqual({ authzid: '', user: 'alice@x.test', password: 'secret' });
    expect(parsePlain('admin\0alice@x.test\0secret')).toEqual({
      authzid: 'admin',
      user: 'alice@x.test',
      password: 'secret',
    });
    expect(parsePlain('alice\0secret')).toHaveProperty('error');
    expect(parsePlain('\0\0secret')).toHaveProperty('error');
  });

  it('decodes the XOAUTH2 string of CONF.07 and rejects near misses', () => {
    expect(parseXoauth2('user=a@x.test\x01auth=Bearer tok.en\x01\x01')).toEqual({
      authzid: '',
      user: 'a@x.test',
      bearer: 'tok.en',
    });
    expect(parseXoauth2('user=a@x.test\x01auth=Bearer tok\x01')).toMatchObject({
      error: expect.any(String),
      user: 'a@x.test',
    });
    expect(parseXoauth2('user=a@x.test\x01auth=bearer tok\x01\x01')).toMatchObject({
      error: expect.any(String),
      user: 'a@x.test',
    });
    expect(parseXoauth2('auth=Bearer tok\x01user=a@x.test\x01\x01')).toHaveProperty('error');
    expect(parseXoauth2('user=\x01auth=Bearer tok\x01\x01')).toHaveProperty('error');
  });

  it('decodes OAUTHBEARER (RFC 7628) including an escaped authzid', () => {
    expect(parseOauthBearer('n,a=a=2Cb@x.test,\x01host=h\x01port=1\x01auth=Bearer t\x01\x01')).toEqual({
      authzid: 'a,b@x.test',
      user: 'a,b@x.test',
      bearer: 't',
    });
    expect(parseOauthBearer('n,,\x01auth=Bearer t\x01')).toHaveProperty('error');
  });

  it('drives LOGIN through its two prompts', () => {
    const exchange = new SaslExchange('LOGIN');
    const first = exchange.start();
    expect(first).toEqual({ kind: 'challenge', challenge: b64('Username:') });
    expect(exchange.respond(b64('alice@x.test'))).toEqual({ kind: 'challenge', challenge: b64('Password:') });
    expect(exchange.respond(b64('pw'))).toMatchObject({
      kind: 'done',
      credentials: { mechanism: 'LOGIN', user: 'alice@x.test', password: 'pw', initialResponse: false },
    });
  });

  it('takes an initial response, a cancellation and rejects bad base64', () => {
    expect(new SaslExchange('PLAIN').start(b64('\0u@x.test\0p'))).toMatchObject({
      kind: 'done',
      credentials: { user: 'u@x.test', initialResponse: true },
    });
    const exchange = new SaslExchange('XOAUTH2');
    expect(exchange.start()).toEqual({ kind: 'challenge', challenge: '' });
    expect(exchange.respond('*')).toMatchObject({ kind: 'error', reason: 'cancelled' });
    expect(new SaslExchange('PLAIN').start('not base64!')).toMatchObject({ kind: 'error', reason: 'malformed' });
  });

  it('accepts only strict base64', () => {
    expect(decodeBase64('=')?.length).toBe(0);
    expect(decodeBase64('YWJj')?.toString()).toBe('abc');
    expect(decodeBase64('YWJ')?.toString()).toBe('ab');
    expect(decodeBase64('Y')).toBeUndefined();
    expect(decodeBase64('YW Jj')).toBeUndefined();
  });
});
