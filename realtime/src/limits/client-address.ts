/**
 * "The client address" for per-address limits, HTTP and Socket.IO alike.
 *
 * Behind proxies the left-most X-Forwarded-For entry is whatever the client
 * wrote, so it is never trusted as such. Like express's `trust proxy`, we walk
 * from the socket address leftwards through the hops we trust (a hop count, or
 * a list of proxy addresses / subnets) and take the first one we do not.
 */
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/** false: the socket address; a number: that many proxies in front; a list: these proxies (addresses, subnets, or proxy-addr's names such as `loopback`). */
export type TrustProxy = false | number | string[];

/** Is the hop at `addr`, `i` steps from the socket, a proxy we trust? */
export type TrustFn = (addr: string, i: number) => boolean;

/** The trust rule express also uses for `req.ip` (app.set('trust proxy', fn)). Throws on an address proxy-addr cannot read. */
export function compileTrust(setting: TrustProxy): TrustFn {
  if (setting === false) return () => false;
  if (typeof setting === 'number') return (_addr, i) => i < setting;
  return proxyaddr.compile(setting);
}

/** The address of the client that sent this request (an HTTP request or a Socket.IO handshake's `socket.request`). */
export function clientAddress(req: IncomingMessage, trust: TrustFn): string {
  return proxyaddr(req, trust);
}
