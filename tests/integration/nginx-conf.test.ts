/**
 * The nginx configuration of scripts/cluster.sh and the tests' cluster fixture
 * (scripts/lib/nginx-conf.mjs): nginx from Debian accepts it, it keeps every
 * file nginx writes in its own folder, and the README shows it as generated.
 * tests/e2e/load-balancer.spec.ts runs it with real nodes and browsers.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NGINX = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
const generate = (dir: string, ...ports: number[]) =>
  execFileSync(process.execPath, [join(root, 'scripts/lib/nginx-conf.mjs'), dir, ...ports.map(String)], { encoding: 'utf8' });

describe('the generated nginx configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'board-nginx-conf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is accepted by nginx, and writes nothing outside its folder', () => {
    const conf = generate(dir, 18080, 13001, 13002);
    writeFileSync(join(dir, 'nginx.conf'), conf);
    // -t checks syntax and opens the files the config names (logs, pid, temp folders).
    execFileSync(NGINX, ['-t', '-q', '-p', `${dir}/`, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: 'pipe' });
    const paths = conf.split('\n').filter((l) => !l.trim().startsWith('#')).join('\n').match(/(?<=\s)\/[^\s;]+/g) ?? [];
    expect(paths.length).toBeGreaterThan(5);
    for (const path of paths) expect(path.startsWith(`${dir}/`), path).toBe(true);
    expect(conf).toContain('server 127.0.0.1:13001 max_fails=1');
    expect(conf).toContain('server 127.0.0.1:13002 max_fails=1');
    expect(conf).toContain('proxy_set_header Upgrade $http_upgrade;');
  });

  it('is the one the README shows', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const shown = /```nginx\n([\s\S]*?)```/.exec(readme)?.[1];
    const dirShown = /^pid (\S+)\/nginx\.pid;$/m.exec(shown ?? '')?.[1];
    expect(dirShown).toBeDefined();
    // As generated for someone who is not root (root's adds a `user root;` line).
    const expected = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `import { nginxConf } from ${JSON.stringify(join(root, 'scripts/lib/nginx-conf.mjs'))};
process.stdout.write(nginxConf({ dir: ${JSON.stringify(dirShown)}, listenPort: 8080, nodePorts: [3001, 3002] }));`],
      { encoding: 'utf8' },
    );
    expect(shown).toBe(expected);
  });
});
