/**
 * The board's pages: SvelteKit's adapter-node handler, with the files of its
 * client/ folder (scripts, styles, icons) served by express in front of it.
 *
 * Why not leave those files to the handler: it lists the folder once when it
 * loads and then streams from that list without handling a failed read, so a
 * file that went missing while the node ran ended the whole process with an
 * unhandled stream error. express's sendFile looks at the file on each request
 * and hands a failed read to its callback: a 404 or 500 for that request and
 * one log line, and the node serves everything else.
 */
import { readdirSync, realpathSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import express, { type RequestHandler } from 'express';
import { AppError } from '@board/shared';
import type { Log } from '../socket/handle.js';

/** Content-hashed files: a name never changes meaning, so browsers may keep them for a year. */
const IMMUTABLE_PREFIX = '/_app/immutable/';

/**
 * Loads adapter-node's handler.js and puts the client files in front of it.
 * The path is resolved to its real folder first: web/build is a link to the
 * current build (scripts/build-web.sh), and a node keeps serving the build it
 * started with after the link moves on to a newer one.
 */
export async function loadWebHandler(handlerPath: string, log: Log): Promise<RequestHandler> {
  const real = realpathSync(handlerPath);
  const { handler } = (await import(pathToFileURL(real).href)) as { handler: RequestHandler };
  const pages = express.Router();
  pages.use(clientFiles(join(dirname(real), 'client'), log));
  pages.use(handler);
  return pages;
}

/**
 * Serves the files that were in `dir` when the node started, with the
 * build's precompressed .br / .gz copies when the browser takes them. Any
 * other path goes on to the next handler (SvelteKit's pages).
 */
export function clientFiles(dir: string, log: Log): RequestHandler {
  const files = new Set<string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = '/' + relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/');
    // Dotfiles stay private, as the SvelteKit handler keeps them (except .well-known).
    if (/\/\.(?!well-known\/)/.test(path)) continue;
    files.add(path);
  }

  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    if (!files.has(path)) return next();

    const accepted = req.get('accept-encoding') ?? '';
    const brotli = files.has(`${path}.br`);
    const gzip = files.has(`${path}.gz`);
    let served = path;
    if (brotli || gzip) res.vary('Accept-Encoding');
    if (brotli && /\bbr\b/.test(accepted)) served = `${path}.br`;
    else if (gzip && /\bgzip\b/.test(accepted)) served = `${path}.gz`;
    if (served !== path) {
      // The type of what it decodes to; sendFile keeps a Content-Type already set.
      res.type(extname(path));
      res.set('Content-Encoding', served.endsWith('.br') ? 'br' : 'gzip');
    }

    const immutable = path.startsWith(IMMUTABLE_PREFIX);
    res.sendFile(
      served.slice(1),
      { root: dir, dotfiles: 'allow', immutable, maxAge: immutable ? '1y' : 0 },
      (err?: Error & { code?: string; status?: number }) => {
        if (!err) return;
        // The browser went away mid-file: nothing to answer, nothing wrong here.
        if (err.code === 'ECONNABORTED' || res.destroyed) return;
        log.error(`Static file ${path} could not be read (${err.code ?? err.message})`);
        // Part of the file has gone out: the response cannot become an error any more.
        if (res.headersSent) return void res.destroy();
        res.removeHeader('Content-Encoding');
        res.removeHeader('Cache-Control');
        next(
          err.status === 404
            ? new AppError('NOT_FOUND', 'No such file')
            : new AppError('INTERNAL', 'This file cannot be read right now'),
        );
      },
    );
  };
}
