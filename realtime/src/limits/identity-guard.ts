/**
 * Guest identities are free: a script can mint a fresh session per click. The
 * checks here sit beside the per-person ones and key on the client address
 * (limits/client-address.ts), so minting sessions buys nothing:
 *
 * - a name before reacting (NAME_REQUIRED);
 * - reactions: at most `reactorsPerComment` different people from one address
 *   press on one comment per window (counted per node, like reaction limits);
 * - comments in slow mode: `slowModePerAddress` per address per interval;
 * - comments from sessions younger than `newSessionS`: a budget per address;
 * - a facilitator's removal can include the person's address for that post
 *   (the address they last commented from there), which a fresh session from
 *   it inherits; facilitators are never held back by it;
 * - a name equal to one of the post's facilitators' is refused on that post.
 *
 * Addresses are stored as keyed hashes, never as written.
 */
import { createHmac } from 'node:crypto';
import type { RedisClient } from '../store/redis/connect.js';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError, nameKey } from '@board/shared';
import type { Store } from '../store/types.js';
import type { BoardServer, BoardSocket } from '../socket/types.js';
import type { Metrics } from '../metrics/metrics.js';

export interface IdentityGuardOptions {
  io: BoardServer;
  store: Store;
  redis: RedisClient | null;
  prefix: string;
  /** Keys the address hashes. */
  secret: string;
  /** Scales the budgets like RATE_LIMIT_FACTOR; 0 turns them off (names and removals still hold). */
  factor: number;
  reactorsPerComment: number;
  reactorsWindowS: number;
  slowModePerAddress: number;
  newSessionS: number;
  newSessionCommentsPerAddress: number;
  /** Counts refusals by rule (board_rate_limited_total). */
  metrics?: Pick<Metrics, 'rateLimited'>;
}

export interface IdentityGuard {
  /** A handshake step, after the address is known: reads which posts the address is removed from. */
  handshake(socket: BoardSocket, next: (err?: Error) => void): void;
  /** On every new connection: the socket joins its address's room and the rooms of posts its address is removed from. */
  connected(socket: BoardSocket): void;
  /** Synchronous, on the reaction path: throws AppError when the click must be refused. */
  reaction(socket: BoardSocket, req: { postId: string; commentId: string; active: boolean }): void;
  /** Before a comment is stored: throws AppError when it must be refused. */
  comment(socket: BoardSocket, postId: string): Promise<void>;
  /** The role a joining socket gets: 'removed' when its address is removed from the post (facilitators excepted). */
  joined(socket: BoardSocket, postId: string, role: 'facilitator' | 'participant' | 'removed'): Promise<'facilitator' | 'participant' | 'removed'>;
  /** A facilitator removed (or let back) `userId` with their address: the address last seen commenting there. */
  setAddressRemoved(postId: string, userId: string, removed: boolean, except: string): Promise<boolean>;
  /** A facilitator's name on a post, which others may not then use there. */
  noteFacilitator(postId: string, name: string | null): Promise<void>;
}

/** How long the address a person commented from is remembered for a removal (s). */
const SEEN_TTL_S = 7 * 86_400;

const addressRoom = (key: string) => `addr:${key}`;
const removedRoom = (postId: string) => `removed:${postId}`;

export function createIdentityGuard(opts: IdentityGuardOptions): IdentityGuard {
  const { io, store, redis, prefix, factor } = opts;
  const hashOf = (address: string) => createHmac('sha256', opts.secret).update(address).digest('base64url').slice(0, 22);
  const keyOf = (socket: BoardSocket) => socket.data.addressKey;
  const limited = factor > 0;

  const limiter = (name: string, points: number, durationS: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ points: Math.ceil(points * factor), duration: durationS, keyPrefix: name });
    if (!redis) return memory;
    return new RateLimiterRedis({
      storeClient: redis,
      points: Math.ceil(points * factor),
      duration: durationS,
      keyPrefix: `${prefix}rl:${name}`,
      insuranceLimiter: memory,
    });
  };
  const slowMode = limiter('slow:addr', opts.slowModePerAddress, 60);
  const newcomers = limiter('new-session:addr', opts.newSessionCommentsPerAddress, opts.newSessionS);

  // Different people per (address, comment) in this window, on this node.
  const windowMs = opts.reactorsWindowS * 1_000;
  const reactors = new Map<string, { people: Set<string>; endsAt: number }>();
  let nextSweep = 0;

  // Addresses removed per post and posts per removed address, the address each person
  // last commented from, facilitators' names. The memory engine's maps live as long as
  // its posts do (a try-out board).
  const memory = {
    removed: new Map<string, Set<string>>(),
    removedPosts: new Map<string, Set<string>>(),
    seen: new Map<string, string>(),
    hosts: new Map<string, Set<string>>(),
  };
  const k = {
    removed: (postId: string) => `${prefix}guard:removed:${postId}`,
    removedPosts: (address: string) => `${prefix}guard:removed-posts:${address}`,
    seen: (postId: string, userId: string) => `${prefix}guard:seen:${postId}:${userId}`,
    hosts: (postId: string) => `${prefix}guard:hosts:${postId}`,
  };
  const setHas = async (kind: 'removed' | 'hosts', postId: string, member: string) =>
    redis ? (await redis.sismember(k[kind](postId), member)) === 1 : (memory[kind].get(postId)?.has(member) ?? false);
  const addHostName = async (postId: string, name: string) => {
    if (redis) await redis.sadd(k.hosts(postId), nameKey(name));
    else memory.hosts.set(postId, (memory.hosts.get(postId) ?? new Set()).add(nameKey(name)));
  };
  const setAddressBlock = async (postId: string, address: string, removed: boolean) => {
    if (redis) {
      if (removed) await Promise.all([redis.sadd(k.removed(postId), address), redis.sadd(k.removedPosts(address), postId)]);
      else await Promise.all([redis.srem(k.removed(postId), address), redis.srem(k.removedPosts(address), postId)]);
    } else if (removed) {
      memory.removed.set(postId, (memory.removed.get(postId) ?? new Set()).add(address));
      memory.removedPosts.set(address, (memory.removedPosts.get(address) ?? new Set()).add(postId));
    } else {
      memory.removed.get(postId)?.delete(address);
      memory.removedPosts.get(address)?.delete(postId);
    }
  };

  const take = async (l: RateLimiterAbstract, rule: string, key: string, message: string, customDuration?: number) => {
    try {
      await l.consume(key, 1, customDuration === undefined ? undefined : { customDuration });
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const waitS = Math.max(1, Math.ceil(res.msBeforeNext / 1_000));
      opts.metrics?.rateLimited.inc({ rule });
      throw new AppError('RATE_LIMITED', `${message}. Try again in ${waitS} s.`, res.msBeforeNext);
    }
  };

  return {
    handshake(socket, next) {
      const address = hashOf(socket.data.address);
      socket.data.addressKey = address;
      const posts = redis ? redis.smembers(k.removedPosts(address)) : Promise.resolve([...(memory.removedPosts.get(address) ?? [])]);
      // With Redis away nothing can be stored anyway (comments fail UNAVAILABLE): let the reader in.
      posts.then(
        (ids) => {
          socket.data.removedFrom = ids;
          next();
        },
        () => {
          socket.data.removedFrom = [];
          next();
        },
      );
    },

    connected(socket) {
      // Before any event of this connection is handled, so its first click is already checked.
      void socket.join([addressRoom(keyOf(socket)), ...socket.data.removedFrom.map(removedRoom)]);
    },

    reaction(socket, { postId, commentId, active }) {
      if (!socket.data.user.name) throw new AppError('NAME_REQUIRED', 'Choose a display name before reacting');
      if (socket.rooms.has(removedRoom(postId))) throw new AppError('FORBIDDEN', 'A facilitator removed you from this discussion');
      // Taking a reaction back is always allowed; only new presses count.
      if (!limited || !active) return;
      const t = Date.now();
      if (t >= nextSweep) {
        for (const [key, w] of reactors) if (w.endsAt <= t) reactors.delete(key);
        nextSweep = t + windowMs;
      }
      const key = `${keyOf(socket)}|${commentId}`;
      let w = reactors.get(key);
      if (!w || w.endsAt <= t) reactors.set(key, (w = { people: new Set(), endsAt: t + windowMs }));
      const userId = socket.data.user.id;
      if (w.people.has(userId)) return;
      if (w.people.size >= Math.ceil(opts.reactorsPerComment * factor)) {
        opts.metrics?.rateLimited.inc({ rule: 'address:reactors-per-comment' });
        throw new AppError('RATE_LIMITED', 'Many people on your network reacted to this comment just now. Try again later.', w.endsAt - t);
      }
      w.people.add(userId);
    },

    async comment(socket, postId) {
      const { id: userId, name } = socket.data.user;
      const address = keyOf(socket);
      // One round trip: the reads, and the address remembered for a removal that includes it.
      const [post, role, addressRemoved, nameTaken] = await Promise.all([
        store.getPost(postId),
        store.role(postId, userId),
        setHas('removed', postId, address),
        name ? setHas('hosts', postId, nameKey(name)) : false,
        redis ? redis.set(k.seen(postId, userId), address, 'EX', SEEN_TTL_S) : memory.seen.set(`${postId}|${userId}`, address),
      ]);
      if (role === 'facilitator') {
        if (name) await addHostName(postId, name);
        return;
      }
      if (addressRemoved) throw new AppError('FORBIDDEN', 'A facilitator removed you from this discussion');
      if (nameTaken) throw new AppError('INVALID', 'That name belongs to a facilitator here: choose another one');
      if (!limited) return;
      await Promise.all([
        post && post.slowModeSeconds > 0
          ? take(slowMode, 'address:slow-mode', `${postId}|${post.slowModeSeconds}|${address}`, 'Slow mode is on for your network too', post.slowModeSeconds)
          : undefined,
        Date.now() - socket.data.since < opts.newSessionS * 1_000
          ? take(newcomers, 'address:new-session', address, 'Many new people on your network are commenting just now')
          : undefined,
      ]);
    },

    async joined(socket, postId, role) {
      const room = removedRoom(postId);
      if (role === 'facilitator') {
        await socket.leave(room);
        return role;
      }
      if (!(await setHas('removed', postId, keyOf(socket)))) return role;
      await socket.join(room);
      return 'removed';
    },

    async setAddressRemoved(postId, userId, removed, except) {
      const address = redis ? await redis.get(k.seen(postId, userId)) : (memory.seen.get(`${postId}|${userId}`) ?? null);
      if (!address) return false;
      await setAddressBlock(postId, address, removed);
      if (removed) {
        // Every open connection from that address, on every node, the facilitator's own excepted.
        io.in(addressRoom(address)).except(except).socketsJoin(removedRoom(postId));
        io.to(addressRoom(address)).except(except).emit('post:role', postId, 'removed');
      } else {
        io.in(addressRoom(address)).socketsLeave(removedRoom(postId));
      }
      return true;
    },

    async noteFacilitator(postId, name) {
      if (name) await addHostName(postId, name);
    },
  };
}
