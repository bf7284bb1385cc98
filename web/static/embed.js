/*
 * Watch-along board embed. On your page:
 *
 *   <script src="https://board.example/embed.js" data-post="POST_ID" async></script>
 *
 * Optional: data-theme="light|dark|auto" (auto follows the reader), data-accent="#rrggbb",
 * data-sso-url="/board-token" (a URL on your site that answers {"token": "<JWT>"} for your
 * logged-in user: the reader is then signed in on the board as them), data-title.
 * Your origin must be in the board's EMBED_ORIGINS. Messages are checked both ways:
 * this script listens only to its own frame on the board's origin, and the frame only
 * to this page's origin.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  var board = new URL(script.src).origin;
  var post = script.getAttribute('data-post') || '';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(post)) {
    console.error('[board embed] data-post must name a discussion id');
    return;
  }
  var theme = script.getAttribute('data-theme');
  if (theme !== 'light' && theme !== 'dark') theme = 'auto';
  var accent = script.getAttribute('data-accent') || '';
  if (!/^#(?:[0-9a-fA-F]{3}){1,2}$/.test(accent)) accent = '';
  var ssoUrl = script.getAttribute('data-sso-url');

  var src = new URL('/embed/posts/' + encodeURIComponent(post), board);
  src.searchParams.set('parent', location.origin);
  src.searchParams.set('theme', theme);
  if (accent) src.searchParams.set('accent', accent);

  var frame = document.createElement('iframe');
  frame.src = src.href;
  frame.title = script.getAttribute('data-title') || 'Discussion';
  frame.setAttribute('data-board-embed', post);
  // Grows to its content (below); this is the height until the first message.
  frame.style.cssText = 'display:block;width:100%;height:480px;border:0;color-scheme:normal;';
  frame.referrerPolicy = 'no-referrer';
  script.parentNode.insertBefore(frame, script.nextSibling);

  function send(message) {
    if (frame.contentWindow) frame.contentWindow.postMessage(message, board);
  }

  function signIn() {
    if (!ssoUrl) return;
    fetch(ssoUrl, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (body) {
        if (body && typeof body.token === 'string') send({ type: 'board:sso', token: body.token });
      })
      .catch(function () {
        // Not signed in on the host: the reader stays a guest on the board.
      });
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== board || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || typeof data !== 'object') return;
    if (data.type === 'board:resize' && typeof data.height === 'number' && isFinite(data.height)) {
      frame.style.height = Math.max(120, Math.min(Math.ceil(data.height), 50000)) + 'px';
    } else if (data.type === 'board:ready') {
      signIn();
    }
  });

  // The host page may change theme later: BoardEmbed.setTheme('dark', '#e4572e').
  window.BoardEmbed = window.BoardEmbed || { frames: [] };
  window.BoardEmbed.frames.push(frame);
  window.BoardEmbed.setTheme = function (nextTheme, nextAccent) {
    for (var i = 0; i < window.BoardEmbed.frames.length; i++) {
      var f = window.BoardEmbed.frames[i];
      if (f.contentWindow) f.contentWindow.postMessage({ type: 'board:theme', theme: nextTheme, accent: nextAccent }, board);
    }
  };
})();
