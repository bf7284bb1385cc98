/**
 * The facilitator link carries its secret in the URL fragment
 * (`/posts/<id>#facilitator=<token>`): browsers never send the fragment to a
 * server, so it stays out of access logs and Referer headers.
 */
const PREFIX = '#facilitator=';

export function facilitatorUrl(origin: string, postId: string, token: string): string {
  return `${origin}/posts/${encodeURIComponent(postId)}${PREFIX}${encodeURIComponent(token)}`;
}

/** The token in this page's address, removed from the address (and history) as it is read. */
export function takeFacilitatorToken(): string | null {
  if (!location.hash.startsWith(PREFIX)) return null;
  const token = decodeURIComponent(location.hash.slice(PREFIX.length));
  // Keep SvelteKit's own history state; only the address changes.
  history.replaceState(history.state, '', location.pathname + location.search);
  return token || null;
}
