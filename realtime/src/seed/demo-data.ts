/**
 * Demo content written on first start so a fresh board is never empty:
 * a live watch-along with a busy thread, long comments and replies, and two
 * quieter posts. Written through the Store API like any other comment.
 */
import type { EventClock, ReactionKind } from '@board/shared';
import type { Store } from '../store/types.js';

interface DemoComment {
  key: string;
  by: keyof typeof PEOPLE;
  replyTo?: string;
  minutesAgo: number;
  body: string;
  reactions?: Partial<Record<ReactionKind, number>>;
}

const PEOPLE = {
  maya: { id: 'u_demo_maya', name: 'Maya Okafor' },
  jonas: { id: 'u_demo_jonas', name: 'Jonas Lindqvist' },
  priya: { id: 'u_demo_priya', name: 'Priya Raman' },
  tomas: { id: 'u_demo_tomas', name: 'Tomás Ferreira' },
  lee: { id: 'u_demo_lee', name: 'Lee Min-jun' },
  ana: { id: 'u_demo_ana', name: 'Ana Kowalczyk' },
  sam: { id: 'u_demo_sam', name: 'Sam Whitaker' },
} as const;

const crowd = Object.values(PEOPLE).map((p) => p.id);

interface DemoPost {
  id: string;
  title: string;
  description: string;
  body: string;
  hoursAgo: number;
  comments: DemoComment[];
  /** The watch-along's clock and start, given the seed's time (ms): live, scheduled or over. */
  event?: (now: number) => { clock?: EventClock; scheduledAt?: number };
  /** Moments a facilitator marked, at minutes of event time. */
  moments?: { atMinutes: number; label: string }[];
}

/** The finale's running length, 1:52:03 in ms. */
const FINALE_LENGTH_MS = 6_723_000;

const POSTS: DemoPost[] = [
  {
    id: 'finale-watch-along',
    title: 'Season finale watch-along: "The Lighthouse Keeper"',
    description: 'We press play together at 20:00 UTC. Spoilers welcome in here, nowhere else.',
    body:
      'Welcome to the finale! Keep the stream open in another tab, and talk about it here as it happens.\n\n' +
      'Be kind, mark big theories as theories, and react freely: the counts update for everyone live.',
    hoursAgo: 1,
    // Pressed play 45 minutes before the seed: the board opens on a live watch-along.
    event: (now) => ({ clock: { state: 'live', positionMs: 0, changedAt: now - 45 * 60_000, lengthMs: FINALE_LENGTH_MS } }),
    moments: [
      { atMinutes: 0.5, label: 'Cold open: the lamp room' },
      { atMinutes: 17, label: 'The storm hits' },
      { atMinutes: 31, label: 'Act 2' },
    ],
    comments: [
      {
        key: 'opening',
        by: 'maya',
        minutesAgo: 42,
        body: 'That opening shot of the lamp room, with the storm rolling in behind it. Goosebumps already.',
        reactions: { like: 6, love: 3, wow: 2 },
      },
      {
        key: 'opening-r1',
        by: 'jonas',
        replyTo: 'opening',
        minutesAgo: 40,
        body: 'The sound design is doing so much work here. You can hear the glass rattle.',
        reactions: { like: 3 },
      },
      {
        key: 'opening-r2',
        by: 'priya',
        replyTo: 'opening',
        minutesAgo: 37,
        body: 'Same shot as the very first episode, but now the lamp is dark. Deliberate, surely?',
        reactions: { wow: 4, like: 2 },
      },
      {
        key: 'opening-r3',
        by: 'sam',
        replyTo: 'opening',
        minutesAgo: 35,
        body: 'Rewatched the pilot yesterday: yes, it is framed identically. Someone on the crew loves symmetry.',
      },
      {
        key: 'opening-r4',
        by: 'ana',
        replyTo: 'opening',
        minutesAgo: 33,
        body: 'This is why I love watching these together. I would never have noticed.',
        reactions: { love: 2 },
      },
      {
        key: 'theory',
        by: 'tomas',
        minutesAgo: 30,
        body:
          'Theory time (not a spoiler, I have not seen anything ahead):\n\n' +
          'The keeper was never alone on the island. Think back to the second season: the extra cup on the table in ' +
          'the kitchen scene, the logbook entries in two different hands, the way the dog keeps looking at the stairs ' +
          'when nobody is there. Every one of those was played as a throwaway moment, but the show has never wasted a frame.\n\n' +
          'My guess is that the finale reveals the second keeper as the person who has been writing the letters all along, ' +
          'and that the storm is the first time they have to work together to keep the light burning.\n\n' +
          'If I am wrong I will happily eat my words in this very thread. If I am right, I expect reactions.',
        reactions: { wow: 5, laugh: 2, like: 4 },
      },
      {
        key: 'theory-r1',
        by: 'lee',
        replyTo: 'theory',
        minutesAgo: 26,
        body: 'The two handwritings! I thought that was a continuity slip.',
        reactions: { laugh: 1 },
      },
      {
        key: 'music',
        by: 'priya',
        minutesAgo: 18,
        body: 'Whoever scored this episode deserves every award. That cello line when the boat leaves...',
        reactions: { love: 5 },
      },
      {
        key: 'now',
        by: 'ana',
        minutesAgo: 3,
        body: 'Okay the door. THE DOOR. Did everyone see the door?',
        reactions: { wow: 7, laugh: 3 },
      },
    ],
  },
  {
    id: 'launch-stream',
    title: 'Launch day: watching the rocket go up together',
    description: 'Live commentary while the countdown runs. Questions for the engineers are welcome.',
    body: 'The webcast starts an hour before liftoff. Post your questions and we will pass the best ones on.',
    hoursAgo: 5,
    event: (now) => ({ scheduledAt: now + 12 * 60_000 }),
    comments: [
      {
        key: 'q1',
        by: 'lee',
        minutesAgo: 200,
        body: 'How long between main engine cut-off and stage separation? It always looks instant on the stream.',
        reactions: { like: 2 },
      },
      {
        key: 'q1-r1',
        by: 'sam',
        replyTo: 'q1',
        minutesAgo: 190,
        body: 'A few seconds: the engines shut down, the stages coast apart on springs, then the upper stage lights.',
        reactions: { like: 3, love: 1 },
      },
      {
        key: 'weather',
        by: 'jonas',
        minutesAgo: 150,
        body: 'Weather looks green from here. Fingers crossed for the upper-level winds.',
      },
    ],
  },
  {
    id: 'film-club',
    title: 'Friday film club: a quiet harbour town in black and white',
    description: 'Our slow-cinema night. Start whenever you like; the discussion stays open all weekend.',
    body: 'This week we watch a restored 1950s film about a harbour town. No rush: come back to the thread any time.',
    hoursAgo: 28,
    event: (now) => ({
      clock: { state: 'ended', positionMs: FINALE_LENGTH_MS, changedAt: now - 26 * 3_600_000, lengthMs: null },
      scheduledAt: now - 28 * 3_600_000,
    }),
    comments: [],
  },
];

/** Writes the demo posts unless the store already has posts. Returns how many posts it wrote. */
export async function seedDemoData(store: Store, now = Date.now()): Promise<number> {
  if ((await store.listPosts()).length > 0) return 0;
  let written = 0;
  for (const demo of POSTS) {
    try {
      await store.createPost({
        id: demo.id,
        title: demo.title,
        description: demo.description,
        body: demo.body,
        createdAt: now - demo.hoursAgo * 3_600_000,
        ...demo.event?.(now),
      });
    } catch {
      continue; // another node seeded this post first
    }
    written++;
    if (demo.moments) {
      const moments = demo.moments.map((m, i) => ({ id: `m_demo_${i + 1}`, atMs: Math.round(m.atMinutes * 60_000), label: m.label }));
      await store.setMoments(demo.id, [], moments);
    }
    const ids = new Map<string, string>();
    for (const c of demo.comments) {
      const { comment } = await store.addComment({
        postId: demo.id,
        parentId: c.replyTo ? (ids.get(c.replyTo) ?? null) : null,
        body: c.body,
        author: PEOPLE[c.by],
        clientId: `seed-${demo.id}-${c.key}`,
        createdAt: now - c.minutesAgo * 60_000,
      });
      ids.set(c.key, comment.id);
      // Pressed in the half minute after the comment, so the pulse shows when the room reacted.
      const ops = Object.entries(c.reactions ?? {}).flatMap(([kind, n]) =>
        crowd.slice(0, n).map((userId, i) => ({
          commentId: comment.id,
          kind: kind as ReactionKind,
          userId,
          active: true,
          at: now - c.minutesAgo * 60_000 + 2_000 + i * 4_000,
        })),
      );
      if (ops.length > 0) await store.applyReactions(demo.id, ops);
    }
  }
  return written;
}
