/**
 * Another site that embeds the board: a tiny HTTP server on its own origin
 * (http://localhost:<port>, while the board is http://127.0.0.1:<port>, so the
 * frame is cross-site), with a page that adds embed.js with one script tag and
 * an endpoint that signs a token for its logged-in user, as a host's backend would.
 */
import { createServer, type Server } from 'node:http';
import { SignJWT } from 'jose';

/** The site's SSO_HOSTS entry on the e2e board (playwright.config.ts). */
export const HOST_SITE = {
  id: 'fanzine',
  name: 'Fanzine',
  audience: 'watch-along-e2e',
  secret: 'fanzine-e2e-secret-that-is-long-enough-0123',
};

export const hostSsoConfig = () => JSON.stringify([HOST_SITE]);

/** Its logged-in user. */
export const HOST_USER = { sub: 'member-7', name: 'Mara Member' };

export interface HostSite {
  /** The embedding origin (in EMBED_ORIGINS): http://localhost:<port>. */
  origin: string;
  /** The same server under an origin the board does not list: http://127.0.0.1:<port>. */
  otherOrigin: string;
  close(): Promise<void>;
}

const page = (board: string, post: string, theme: string, accent: string, frameOnly: string | null, ssoUrl: string) =>
  frameOnly
    ? `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Framing test</title></head>
<body><iframe id="raw" title="Framed page" src="${board}${frameOnly}" style="width:100%;height:400px"></iframe></body></html>`
    : `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fanzine · Finale night</title>
<style>
  body { margin: 0; font: 17px/1.6 Georgia, serif; background: #f4efe6; color: #2a2118; }
  header { padding: 14px 28px; background: #2a2118; color: #f4efe6; font: 700 20px system-ui, sans-serif; letter-spacing: .02em; }
  header span { float: right; font-weight: 400; font-size: 15px; }
  article { max-width: 760px; margin: 0 auto; padding: 24px 28px 60px; }
  h1 { font-size: 32px; line-height: 1.2; margin: 8px 0 12px; }
  .frame-box { margin-top: 24px; border-radius: 12px; overflow: hidden; box-shadow: 0 2px 12px rgb(0 0 0 / .15); }
</style></head>
<body>
<header>FANZINE <span>Signed in as ${HOST_USER.name}</span></header>
<article>
  <h1>Finale night: watch it with us</h1>
  <p>The whole fanzine is watching the finale together tonight. Say hello below — you are signed in, so your comments carry your Fanzine name.</p>
  <div class="frame-box">
    <script src="${board}/embed.js" data-post="${post}" data-theme="${theme}" data-accent="${accent}" data-sso-url="${ssoUrl}" data-title="Finale night discussion" async></script>
  </div>
</article>
</body></html>`;

export function startHostSite(port: number, board: string): Promise<HostSite> {
  const key = new TextEncoder().encode(HOST_SITE.secret);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname === '/token') {
      // The host's backend signs a short-lived token for the user it has logged in.
      // ?role=facilitator: the host signs its user as a facilitator of its events.
      const role = url.searchParams.get('role') === 'facilitator' ? { role: 'facilitator' } : {};
      void new SignJWT({ name: HOST_USER.name, ...role })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(HOST_SITE.id)
        .setAudience(HOST_SITE.audience)
        .setSubject(HOST_USER.sub)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key)
        .then((token) => {
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          res.end(JSON.stringify({ token }));
        });
      return;
    }
    const html = page(
      board,
      url.searchParams.get('post') ?? '',
      url.searchParams.get('theme') ?? 'auto',
      url.searchParams.get('accent') ?? '',
      url.searchParams.get('frame'),
      url.searchParams.get('role') === 'facilitator' ? '/token?role=facilitator' : '/token',
    );
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // On every interface of this machine's loopback: reached as localhost (listed) and 127.0.0.1 (not listed).
    server.listen(port, '127.0.0.1', () =>
      resolve({
        origin: `http://localhost:${port}`,
        otherOrigin: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    );
  });
}
