/**
 * A facilitator's moment controls: each one a `moment:change` request. The new
 * list reaches this page like everyone else's, as the ordered `moments` event;
 * the ack only says whether it worked (or why not, in words for people).
 */
import { ClockTime, MomentLabel, type MomentChangeRequest } from '@board/shared';
import { connection } from '$lib/realtime/connection.svelte.js';

export class MomentControls {
  busy = $state(false);
  /** Why the last change was refused; null when it worked. */
  error = $state<string | null>(null);
  readonly #postId: string;

  constructor(postId: string) {
    this.#postId = postId;
  }

  /** Marks the current event time, or `at` (`mm:ss` / `h:mm:ss`) when typed. */
  mark(label: string, at: string): Promise<boolean> {
    const time = at.trim();
    if (time && !this.#valid(ClockTime, time)) return Promise.resolve(false);
    if (!this.#valid(MomentLabel, label)) return Promise.resolve(false);
    const base = { postId: this.#postId, action: 'mark' as const, label };
    return this.#send(time ? { ...base, at: time } : base);
  }

  rename(momentId: string, label: string): Promise<boolean> {
    if (!this.#valid(MomentLabel, label)) return Promise.resolve(false);
    return this.#send({ postId: this.#postId, action: 'rename', momentId, label });
  }

  remove(momentId: string): Promise<boolean> {
    return this.#send({ postId: this.#postId, action: 'remove', momentId });
  }

  /** The same schemas as the server's: a typo is explained before anything is sent. */
  #valid(schema: typeof ClockTime | typeof MomentLabel, value: string): boolean {
    const parsed = schema.safeParse(value);
    if (!parsed.success) this.error = parsed.error.issues[0]?.message ?? 'Check this value';
    return parsed.success;
  }

  async #send(req: MomentChangeRequest): Promise<boolean> {
    this.busy = true;
    this.error = null;
    const res = await connection.request('moment:change', req);
    this.busy = false;
    if (!res.ok) this.error = res.error.message;
    return res.ok;
  }
}
