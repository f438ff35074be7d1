import net from 'node:net';

/**
 * Express's `trust proxy` setting: X-Forwarded-For is believed only from the configured proxies (addresses or CIDRs).
 * With none, a request's address is the connection's peer, so a client cannot pick its own rate-limit bucket.
 */
export function trustedProxies(addresses: string[]): string[] | false {
  for (const a of addresses) {
    if (!net.isIP(a.split('/')[0])) throw new Error(`TRUSTED_PROXIES: ${a} is not an IP address or CIDR`);
  }
  return addresses.length > 0 ? addresses : false;
}
