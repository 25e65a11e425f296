import { describe, expect, it } from 'vitest';
import { defaultNetworkPolicy, type NetworkPolicy } from '#shared/protocol/engine.ts';
import { OutboundRefused } from '../src/net/address-policy.ts';
import { resolveAllowed, type Lookup } from '../src/net/connect-policy.ts';

/**
 * Connections other than HTTP go where the network policy lets HTTP Request
 * go: the host resolved once, every address checked, the address returned.
 */

const blocking: NetworkPolicy = { privateAddresses: 'block', allow: [], deny: [] };
const fixed =
  (...addresses: string[]): Lookup =>
  () =>
    Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

describe('resolveAllowed', () => {
  it('refuses a private or loopback address by default, naming the settings that allow it', async () => {
    expect(defaultNetworkPolicy.privateAddresses).toBe('block');
    for (const host of ['127.0.0.1', '10.1.2.3', '192.168.0.10', '[::1]']) {
      const refused = resolveAllowed(host, 25, defaultNetworkPolicy);
      await expect(refused).rejects.toBeInstanceOf(OutboundRefused);
      await expect(refused).rejects.toThrow(/WEFT_HTTP_ALLOW.*WEFT_HTTP_PRIVATE=allow/);
    }
  });

  it('allows a private address by an allow entry (address or range), or all of them by WEFT_HTTP_PRIVATE=allow', async () => {
    for (const allow of ['127.0.0.1', '127.0.0.0/8']) {
      expect(await resolveAllowed('127.0.0.1', 2525, { ...blocking, allow: [allow] })).toEqual({
        host: '127.0.0.1',
        address: '127.0.0.1',
        family: 4,
        port: 2525,
      });
    }
    expect((await resolveAllowed('10.0.0.5', 25, { ...blocking, privateAddresses: 'allow' })).address).toBe('10.0.0.5');
  });

  it('refuses a host name that resolves to a private address (the real resolver: localhost)', async () => {
    await expect(resolveAllowed('localhost', 25, blocking)).rejects.toThrow(
      /localhost \((127\.0\.0\.1|::1)\) is a loopback/,
    );
    const allowed = await resolveAllowed('localhost', 25, { ...blocking, allow: ['127.0.0.0/8', '::1'] });
    expect(['127.0.0.1', '::1']).toContain(allowed.address);
    expect(allowed.host).toBe('localhost');
  });

  it('checks every address a name resolves to, and connects to one of them', async () => {
    await expect(resolveAllowed('mail.example', 25, blocking, fixed('93.184.216.34', '10.0.0.1'))).rejects.toThrow(
      /mail\.example \(10\.0\.0\.1\) is a private address/,
    );
    expect(await resolveAllowed('mail.example', 587, blocking, fixed('93.184.216.34'))).toEqual({
      host: 'mail.example',
      address: '93.184.216.34',
      family: 4,
      port: 587,
    });
    // A name on the allow list may resolve anywhere.
    expect(
      (await resolveAllowed('mail.example', 25, { ...blocking, allow: ['mail.example'] }, fixed('10.0.0.1'))).address,
    ).toBe('10.0.0.1');
  });

  it('refuses denied hosts and cloud metadata addresses even when private addresses are allowed', async () => {
    const open: NetworkPolicy = { privateAddresses: 'allow', allow: [], deny: ['smtp.corp.example'] };
    await expect(resolveAllowed('smtp.corp.example', 25, open, fixed('10.0.0.1'))).rejects.toThrow(/WEFT_HTTP_DENY/);
    await expect(resolveAllowed('169.254.169.254', 25, open)).rejects.toThrow(/metadata/);
  });

  it('says when a name does not resolve, and refuses a bad port', async () => {
    const failing: Lookup = () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' }));
    await expect(resolveAllowed('nowhere.example', 25, blocking, failing)).rejects.toThrow(
      'Could not resolve nowhere.example (ENOTFOUND)',
    );
    await expect(resolveAllowed('93.184.216.34', 0, blocking)).rejects.toThrow(/not a port/);
  });
});
