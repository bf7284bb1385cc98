/**
 * A facilitator's clock controls: each one a `clock:control` request. The new
 * clock reaches this page like everyone else's, as the ordered `clock` event;
 * the ack only says whether it worked (or why not, in words for people).
 */
import { ClockTime, type ClockControlRequest } from '@board/shared';
import { connection } from '$lib/realtime/connection.svelte.js';

export class ClockControls {
  /** A request in flight: the buttons wait. */
  busy = $state(false);
  /** Why the last control was refused; null when it worked. */
  error = $state<string | null>(null);
  readonly #postId: string;

  constructor(postId: string) {
    this.#postId = postId;
  }

  start(length: string): Promise<boolean> {
    const trimmed = length.trim();
    return this.#send(trimmed ? { postId: this.#postId, action: 'start', length: trimmed } : { postId: this.#postId, action: 'start' });
  }

  pause = () => this.#send({ postId: this.#postId, action: 'pause' });
  resume = () => this.#send({ postId: this.#postId, action: 'resume' });
  end = () => this.#send({ postId: this.#postId, action: 'end' });

  jump(to: string): Promise<boolean> {
    // The same schema as the server's: a typo is explained before anything is sent.
    const parsed = ClockTime.safeParse(to);
    if (!parsed.success) {
      this.error = parsed.error.issues[0]?.message ?? 'Write the time as mm:ss or h:mm:ss';
      return Promise.resolve(false);
    }
    return this.#send({ postId: this.#postId, action: 'jump', to: to.trim() });
  }

  async #send(req: ClockControlRequest): Promise<boolean> {
    this.busy = true;
    this.error = null;
    const res = await connection.request('clock:control', req);
    this.busy = false;
    if (!res.ok) this.error = res.error.message;
    return res.ok;
  }
}
