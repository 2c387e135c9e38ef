// Which peer addresses are our own reverse proxies, so X-Forwarded-For can be read.
// The client is the right-most address that is not a trusted proxy: an appending
// proxy (nginx's $proxy_add_x_forwarded_for) keeps whatever the client wrote on
// the left, so the left-most entry is the client's own claim and never used.
import ipaddr from 'ipaddr.js';

/** TRUST_PROXY, parsed: off, a number of proxy hops, or proxy addresses/CIDRs. */
export type TrustProxy = false | number | readonly string[];

/** proxy-addr's trust callback (fastify `trustProxy` as a function); false = trust nothing. */
export function trustProxyFn(setting: TrustProxy): false | ((address: string, hop: number) => boolean) {
  if (setting === false || setting === 0) return false;
  // Hop i = 0 is the socket peer, then X-Forwarded-For from right to left.
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  const ranges = setting.map(parseRange);
  return (address) => {
    if (!ipaddr.isValid(address)) return false;
    const ip = ipaddr.process(address); // ::ffff:10.0.0.1 is 10.0.0.1
    return ranges.some(([net, bits]) => ip.kind() === net.kind() && ip.match(net, bits));
  };
}

function parseRange(entry: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  if (ipaddr.isValidCIDR(entry)) {
    const [net, bits] = ipaddr.parseCIDR(entry);
    return net.kind() === 'ipv6' && (net as ipaddr.IPv6).isIPv4MappedAddress() ? [(net as ipaddr.IPv6).toIPv4Address(), Math.max(0, bits - 96)] : [net, bits];
  }
  const ip = ipaddr.process(entry);
  return [ip, ip.kind() === 'ipv4' ? 32 : 128];
}

/** A proxy address or CIDR TRUST_PROXY accepts. */
export const isProxyEntry = (entry: string) => ipaddr.isValid(entry) || ipaddr.isValidCIDR(entry);
