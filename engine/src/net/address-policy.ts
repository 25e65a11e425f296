import ipaddr from 'ipaddr.js';
import type { NetworkPolicy } from '#shared/protocol/engine.ts';

/**
 * Which hosts and addresses HTTP Request may connect to (the SSRF guard's
 * rules; outbound-client.ts applies them at connect time). An address is
 * public only if it is globally routable: every special range ipaddr.js
 * knows (private, loopback, link-local, unique-local, CGNAT, multicast,
 * unspecified, broadcast, documentation, benchmarking, …) is not, and IPv6
 * outside 2000::/3 is not either. IPv6 forms that carry an IPv4 address
 * (IPv4-mapped, NAT64, 6to4) are judged by that IPv4 address.
 *
 * Order: an allowed host name or range wins; then a denied one refuses; then
 * cloud metadata endpoints are refused even where private addresses are
 * allowed; then, under `block`, anything not public is refused.
 */

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

/** Cloud metadata services: they hand out the host's credentials, so they stay refused unless allowed by name or range. */
const METADATA_RANGES: readonly string[] = [
  '169.254.0.0/16', // AWS, GCP, Azure, DigitalOcean, OpenStack IMDS; ECS and EKS credential endpoints
  'fd00:ec2::/32', // AWS IMDS over IPv6
  '100.100.100.200/32', // Alibaba Cloud
  '192.0.0.192/32', // Oracle Cloud
  '168.63.129.16/32', // Azure wire server (a public address reachable only inside Azure)
];
const METADATA_HOSTS: readonly string[] = [
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
];

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/** Entries of an allow or deny list, split by kind. */
interface HostList {
  ranges: Range[];
  /** Exact host names, lower case, without a trailing dot. */
  names: Set<string>;
  /** Domains whose subdomains match (`*.corp.example` → `corp.example`). */
  suffixes: string[];
}

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** Parses one entry: an IP address, a CIDR range, a host name or `*.domain`; undefined when it is none of them. */
export const parseHostEntry = (
  raw: string,
): { kind: 'range'; range: Range } | { kind: 'name' | 'suffix'; name: string } | undefined => {
  const entry = raw.trim().toLowerCase().replace(/\.$/, '');
  if (entry.includes('/')) {
    if (!ipaddr.isValidCIDR(entry)) return undefined;
    const [address, bits] = ipaddr.parseCIDR(entry);
    // An IPv4-mapped range (::ffff:10.0.0.0/104) means its IPv4 range.
    if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
      return { kind: 'range', range: [(address as ipaddr.IPv6).toIPv4Address(), bits - 96] };
    }
    return { kind: 'range', range: [address, bits] };
  }
  const bare = entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare) || ipaddr.IPv6.isValid(bare)) {
    const address = ipaddr.process(bare);
    return { kind: 'range', range: [address, address.kind() === 'ipv4' ? 32 : 128] };
  }
  if (entry.startsWith('*.')) {
    const domain = entry.slice(2);
    return HOST_NAME.test(domain) ? { kind: 'suffix', name: domain } : undefined;
  }
  return HOST_NAME.test(entry) ? { kind: 'name', name: entry } : undefined;
};

const hostList = (entries: readonly string[]): HostList => {
  const list: HostList = { ranges: [], names: new Set(), suffixes: [] };
  for (const raw of entries) {
    const entry = parseHostEntry(raw);
    // The server validated its settings; anything unreadable here is skipped, which only ever narrows access.
    if (!entry) continue;
    if (entry.kind === 'range') list.ranges.push(entry.range);
    else if (entry.kind === 'name') list.names.add(entry.name);
    else list.suffixes.push(entry.name);
  }
  return list;
};

const inRanges = (address: Address, ranges: readonly Range[]): boolean =>
  ranges.some(([net, bits]) => net.kind() === address.kind() && address.match(net, bits));

const namedIn = (host: string, list: HostList): boolean =>
  list.names.has(host) || list.suffixes.some((domain) => host.endsWith(`.${domain}`));

/** The IPv4 address an IPv6 address stands for (IPv4-mapped, SIIT, NAT64, 6to4), if any. */
const embeddedIPv4 = (address: ipaddr.IPv6): ipaddr.IPv4 | undefined => {
  const range = address.range();
  const p = address.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  if (range === 'ipv4Mapped' || range === 'rfc6145') return v4(p[6] ?? 0, p[7] ?? 0);
  // 64:ff9b::/96 (NAT64 to the whole IPv4 internet); 64:ff9b:1::/48 is for local use and stays refused.
  if (range === 'rfc6052' && p[2] === 0) return v4(p[6] ?? 0, p[7] ?? 0);
  if (range === '6to4') return v4(p[1] ?? 0, p[2] ?? 0);
  return undefined;
};

/** Why an address is not public (its range's name), or undefined when it is. */
export const nonPublicKind = (address: Address): string | undefined => {
  if (address.kind() === 'ipv4') {
    const range = (address as ipaddr.IPv4).range();
    return range === 'unicast' ? undefined : range;
  }
  const v6 = address as ipaddr.IPv6;
  const inner = embeddedIPv4(v6);
  if (inner) return nonPublicKind(inner);
  const range = v6.range();
  if (range !== 'unicast') return range;
  return v6.match(GLOBAL_UNICAST_V6) ? undefined : 'reserved';
};

const KIND_WORDS: Record<string, string> = {
  private: 'a private',
  loopback: 'a loopback',
  linkLocal: 'a link-local',
  uniqueLocal: 'a unique-local (private)',
  carrierGradeNat: 'a carrier-grade NAT (shared)',
  multicast: 'a multicast',
  unspecified: 'an unspecified',
  broadcast: 'a broadcast',
};

/** Refusal of an outbound connection: a clear reason, never retried as a network failure. */
export class OutboundRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

/** Parses an address as it comes from DNS, a URL host or a socket. */
export const parseAddress = (text: string): Address | undefined => {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  // Zone ids (fe80::1%eth0) are link-local whatever they say; ipaddr.js keeps the address part.
  if (!ipaddr.isValid(bare)) return undefined;
  if (!ipaddr.IPv6.isValid(bare) && !ipaddr.IPv4.isValidFourPartDecimal(bare)) return undefined;
  return ipaddr.process(bare);
};

export class AddressPolicy {
  private readonly allow: HostList;
  private readonly deny: HostList;
  private readonly metadata: HostList;
  private readonly blockPrivate: boolean;

  constructor(policy: NetworkPolicy) {
    this.allow = hostList(policy.allow);
    this.deny = hostList(policy.deny);
    this.metadata = hostList([...METADATA_RANGES, ...METADATA_HOSTS]);
    this.blockPrivate = policy.privateAddresses === 'block';
  }

  /** The host name as URLs and sockets give it: lower case, no brackets, no trailing dot. */
  private static hostOf(host: string): string {
    const h = host.toLowerCase().replace(/\.$/, '');
    return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
  }

  /** Whether the host name itself is allowed (then any address it resolves to is). */
  allowsName(host: string): boolean {
    return namedIn(AddressPolicy.hostOf(host), this.allow);
  }

  /** Checks a host name before anything is resolved; throws OutboundRefused. */
  checkName(host: string): void {
    const h = AddressPolicy.hostOf(host);
    if (namedIn(h, this.allow)) return;
    if (namedIn(h, this.deny)) throw new OutboundRefused(`${h} is on this server's deny list (WEFT_HTTP_DENY)`);
    if (namedIn(h, this.metadata))
      throw new OutboundRefused(`${h} is a cloud metadata endpoint; allow it by name in WEFT_HTTP_ALLOW to call it`);
    const literal = parseAddress(h);
    if (literal) this.checkAddress(h, literal);
  }

  /** Checks an address the host resolved to (or a socket connected to); throws OutboundRefused. */
  checkAddress(host: string, address: Address): void {
    const h = AddressPolicy.hostOf(host);
    // An IPv6 address that carries an IPv4 one answers to the IPv4 one's rules too.
    const inner = address.kind() === 'ipv6' ? embeddedIPv4(address as ipaddr.IPv6) : undefined;
    const matches = (ranges: readonly Range[]) => inRanges(address, ranges) || (!!inner && inRanges(inner, ranges));
    if (namedIn(h, this.allow) || matches(this.allow.ranges)) return;
    const shown = h === address.toString() ? h : `${h} (${address.toString()})`;
    if (matches(this.deny.ranges)) throw new OutboundRefused(`${shown} is on this server's deny list (WEFT_HTTP_DENY)`);
    const kind = nonPublicKind(address);
    if (matches(this.metadata.ranges)) {
      const what =
        kind === 'linkLocal'
          ? 'a link-local address, where cloud metadata services answer'
          : 'a cloud metadata address';
      throw new OutboundRefused(`${shown} is ${what}; allow it in WEFT_HTTP_ALLOW to call it`);
    }
    if (!this.blockPrivate || kind === undefined) return;
    throw new OutboundRefused(
      `${shown} is ${KIND_WORDS[kind] ?? 'a reserved'} address, and this server does not call private networks (allow it in WEFT_HTTP_ALLOW, or set WEFT_HTTP_PRIVATE=allow)`,
    );
  }
}
