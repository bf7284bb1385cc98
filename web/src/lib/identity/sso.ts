/**
 * Signing in with a host's token (single sign-on): the board checks it and
 * answers with a session marked "verified by <host>", which this tab then uses.
 */
import type { Result, SessionInfo } from '@board/shared';
import { connection } from '$lib/realtime/connection.svelte';

export async function signInWithHostToken(token: string): Promise<Result<SessionInfo>> {
  const res = await connection.request('session:sso', { token });
  if (res.ok) connection.switchSession(res.data);
  return res;
}
