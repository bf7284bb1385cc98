import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
const secret = 'a-shared-secret-of-at-least-32-characters';
const hosts = (list: unknown) => parseConfig({ SSO_HOSTS: JSON.stringify(list) }).SSO_HOSTS;
const refusal = (list: unknown) => {
  try {
    hosts(list);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return 'accepted';
};

describe('SSO_HOSTS', () => {
  it('reads HS256, RS256 (PEM) and ES256 (JWK) hosts; unset is none', () => {
    const parsed = hosts([
      { id: 'a', name: 'A', audience: 'board', secret },
      { id: 'b', name: 'B', audience: 'board', alg: 'RS256', publicKey: rsa },
      { id: 'c', name: 'C', audience: 'board', alg: 'ES256', publicKey: ec.export({ format: 'jwk' }) },
    ]);
    expect(parsed.map((h) => [h.id, h.alg, h.key.type])).toEqual([
      ['a', 'HS256', 'secret'],
      ['b', 'RS256', 'public'],
      ['c', 'ES256', 'public'],
    ]);
    expect(parseConfig({}).SSO_HOSTS).toEqual([]);
  });

  it('stops start-up with the host and the reason for a bad entry', () => {
    expect(() => parseConfig({ SSO_HOSTS: '{not json' })).toThrow(/JSON array/);
    expect(refusal({ id: 'a' })).toContain('expected array');
    expect(refusal([{ id: 'a', name: 'A', audience: 'b', secret: 'short' }])).toContain('at least 32');
    expect(refusal([{ id: 'a', name: 'A', audience: 'b', secret, publicKey: rsa, alg: 'RS256' }])).toContain('not both');
    expect(refusal([{ id: 'a', name: 'A', audience: 'b', publicKey: rsa }])).toContain('"alg"');
    expect(refusal([{ id: 'a', name: 'A', audience: 'b', alg: 'ES256', publicKey: rsa }])).toContain('P-256');
    expect(refusal([{ id: 'a', name: 'A', audience: 'b', alg: 'RS256', publicKey: '-----BEGIN PUBLIC KEY-----\nnope' }])).toContain('host "a": publicKey');
    expect(refusal([{ id: 'a', name: 'A', audience: 'b', secret }, { id: 'a', name: 'A2', audience: 'b', secret }])).toContain('twice');
  });
});

describe('EMBED_ORIGINS', () => {
  it('takes origins only: anything after the host, or another scheme, would be written into a CSP header', () => {
    expect(parseConfig({ EMBED_ORIGINS: 'https://fanzine.example, http://localhost:8080' }).EMBED_ORIGINS).toEqual([
      'https://fanzine.example',
      'http://localhost:8080',
    ]);
    for (const bad of ['https://a.example/path', 'https://a.example; script-src *', "'self'", 'ftp://a.example', '*']) {
      expect(() => parseConfig({ EMBED_ORIGINS: bad }), bad).toThrow(ConfigError);
    }
  });
});
