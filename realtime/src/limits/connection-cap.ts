/**
 * At most `max` open connections per client address on this node. A script
 * can open thousands of sockets from one address, each a fresh guest who
 * counts as "watching"; a venue behind one address has far fewer tabs open.
 * Runs as the last handshake step, after the address is known
 * (socket.data.address), and refuses with a typed connect_error.
 */
import { AppError } from '@board/shared';
import type { BoardServer } from '../socket/types.js';
import type { Metrics } from '../metrics/metrics.js';

export function installConnectionCap(io: BoardServer, max: number, metrics?: Pick<Metrics, 'rateLimited'>): void {
  if (!Number.isFinite(max)) return;
  const open = new Map<string, number>();
  io.use((socket, next) => {
    const address = socket.data.address;
    const count = open.get(address) ?? 0;
    if (count >= max) {
      metrics?.rateLimited.inc({ rule: 'address:connections' });
      const refusal = new AppError('RATE_LIMITED', `Too many connections from your network (${max}): close some tabs and reload`);
      return next(Object.assign(new Error(refusal.message), { data: { code: refusal.code } }));
    }
    open.set(address, count + 1);
    // The transport's close, not the namespace's disconnect: it fires even when
    // the client leaves between this step and the connection event.
    socket.conn.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
    next();
  });
}
