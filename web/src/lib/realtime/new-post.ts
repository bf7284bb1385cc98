/**
 * Starting a discussion: the shared schema checks the form, the server stores
 * the post and answers with the facilitator secret (shown once, never stored here).
 */
import { DisplayName, NewPostInput, type CreatedPost, type Result } from '@board/shared';
import { connection } from './connection.svelte.js';

export interface NewPostForm {
  title: string;
  description: string;
  /** A `datetime-local` value in the reader's zone, or '' for none. */
  startsAt: string;
  /** Only when the board does not know the person's name yet. */
  name: string | null;
}

export type NewPostProblem = { field: 'title' | 'description' | 'startsAt' | 'name' | null; message: string };

export async function createPost(form: NewPostForm): Promise<Result<CreatedPost> | { ok: false; problem: NewPostProblem }> {
  const scheduledAt = form.startsAt ? new Date(form.startsAt).getTime() : null;
  if (scheduledAt !== null && !Number.isFinite(scheduledAt)) {
    return { ok: false, problem: { field: 'startsAt', message: 'That start time is not a date and time' } };
  }
  const input = NewPostInput.safeParse({ title: form.title, description: form.description, scheduledAt });
  if (!input.success) {
    const issue = input.error.issues[0];
    const field = issue?.path[0] === 'description' ? 'description' : issue?.path[0] === 'scheduledAt' ? 'startsAt' : 'title';
    return { ok: false, problem: { field, message: issue?.message ?? 'Check the form' } };
  }
  if (form.name !== null) {
    const name = DisplayName.safeParse(form.name);
    if (!name.success) return { ok: false, problem: { field: 'name', message: name.error.issues[0]?.message ?? 'Choose a name' } };
    const renamed = await connection.rename(name.data);
    if (!renamed.ok) return { ok: false, problem: { field: 'name', message: renamed.error.message } };
  }
  // RATE_LIMITED comes back with a message that says how long to wait.
  return connection.request('post:create', input.data);
}
