/**
 * A hosted discussion for the screenshots: a pinned welcome from the host, a
 * long thread with replies and reactions, and one comment a facilitator hid.
 * Written over the socket by several people, once per run.
 */
import { BoardClient } from './board-socket.js';

export interface Scene {
  postId: string;
  /** Opens as a co-facilitator (the secret link). */
  facilitatorLink: string;
}

const PEOPLE = ['Ines Duarte', 'Kofi Mensah', 'Hana Sato', 'Marek Nowak', 'Olu Adeyemi'] as const;

export async function buildScene(baseURL: string): Promise<Scene> {
  const host = await BoardClient.connect(baseURL, 'Rosa (host)');
  const [ines, kofi, hana, marek, olu] = await Promise.all(PEOPLE.map((name) => BoardClient.connect(baseURL, name)));
  const { post, facilitatorToken } = await host.createPost(
    'Premiere watch-along: "Northern Lights", episode 1',
    'Press play at 21:00 UTC. Light spoilers fine here; book readers, keep it vague.',
  );
  const id = post.id;

  const welcome = await host.comment(
    id,
    'Welcome in! We start the episode together at 21:00 UTC sharp. Keep book spoilers out, and be kind: the pinned notes up here are the house rules.',
  );
  await host.pin(id, welcome.id);

  const opening = await ines!.comment(id, 'The aurora over the fjord in the opening titles. Whoever graded this deserves every award going.');
  await kofi!.comment(id, 'And the score underneath it, that single cello. Chills.', opening.id);
  await hana!.comment(id, 'I paused just to look at it for a minute. Not even sorry.', opening.id);
  await marek!.comment(id, 'Same. The colour shifts when the ship turns, did anyone else catch that?', opening.id);
  await ines!.comment(id, 'Yes! Green to violet right as the radio cuts out. Has to mean something.', opening.id);
  for (const [who, kind] of [
    [kofi, 'love'],
    [hana, 'love'],
    [marek, 'like'],
    [olu, 'wow'],
  ] as const) {
    await who!.react(id, opening.id, kind);
  }

  const spoiler = await olu!.comment(id, 'In the book the captain is the one who sends the signal, so this whole scene is a lie.');
  await host.socket.emitWithAck('mod:hide', { postId: id, commentId: spoiler.id, hidden: true });

  const theory = await hana!.comment(
    id,
    'Theory: the radio operator knew about the storm before they left port. She checks the barometer twice in the first scene and says nothing. ' +
      'Then she is the only one already wearing her heavy coat when the lights go out.',
  );
  await marek!.react(id, theory.id, 'wow');
  await kofi!.react(id, theory.id, 'like');
  await kofi!.comment(id, 'That cut to black right after the mayday. I actually gasped out loud.');

  for (const client of [host, ines, kofi, hana, marek, olu]) client!.close();
  return { postId: id, facilitatorLink: `${baseURL}/posts/${id}#facilitator=${encodeURIComponent(facilitatorToken)}` };
}
