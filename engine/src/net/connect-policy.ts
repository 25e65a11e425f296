import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AddressPolicy, OutboundRefused, parseAddress } from './address-policy.ts';
import type { NetworkPolicy } from '#shared/protocol/engine.ts';

/**
 * Where a connection other than HTTP (SMTP, later databases) may go: the host
 * is resolved once, every address it resolves to is checked with the same
 * rules as HTTP Request's (address-policy.ts), and the caller connects to the
 * address returned, never to the name again, so a name that resolves
 * differently a moment later (DNS rebinding) cannot take it elsewhere. TLS
 * keeps the name for SNI and the certificate check (`servername`).
 *
 * Every address must pass, not only the one used: a name that answers with a
 * public and a private address is refused, as HTTP Request's lookup is.
 */

export interface AllowedTarget {
  /** The name as given (for TLS servername and messages). */
  host: string;
  /** The IP address to connect to. */
  address: string;
  family: 4 | 6;
  port: number;
}

export type Lookup = (host: string) => Promise<{ address: string; family: number }[]>;

const systemLookup: Lookup = (host) => dnsLookup(host, { all: true, verbatim: true });

export const resolveAllowed = async (
  host: string,
  port: number,
  policy: AddressPolicy | NetworkPolicy,
  lookup: Lookup = systemLookup,
): Promise<AllowedTarget> => {
  const rules = policy instanceof AddressPolicy ? policy : new AddressPolicy(policy);
  const name = host.trim().replace(/^\[(.*)\]$/, '$1');
  if (name === '') throw new OutboundRefused('No host to connect to');
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new OutboundRefused(`${port} is not a port (1 to 65535)`);
  rules.checkName(name);
  const literal = isIP(name);
  if (literal !== 0) return { host: name, address: name, family: literal === 6 ? 6 : 4, port };
  let answers: { address: string; family: number }[];
  try {
    answers = await lookup(name);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new Error(`Could not resolve ${name}${typeof code === 'string' ? ` (${code})` : ''}`, { cause: e });
  }
  if (answers.length === 0) throw new Error(`Could not resolve ${name} (no addresses)`);
  for (const answer of answers) {
    const address = parseAddress(answer.address);
    if (!address) throw new OutboundRefused(`${name} resolved to "${answer.address}", which is not an address`);
    rules.checkAddress(name, address);
  }
  const first = answers[0] as { address: string; family: number };
  return { host: name, address: first.address, family: first.family === 6 ? 6 : 4, port };
};
