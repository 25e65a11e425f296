import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL for the database nodes' tests, started as
 * sync-server/test/helpers/postgres.ts starts the sync-server-pg one (that
 * file is out of the engine's reach: parts do not import each other):
 * Debian's binaries, initdb in a temp folder, 127.0.0.1 on a free port,
 * fsync off; as root, run as the `postgres` user (Postgres refuses root).
 * Its database `weft` belongs to user `weft` (trust login).
 */

export interface TestPostgres {
  port: number;
  url: string;
  stop(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });

/**
 * With `tls`, the server also takes TLS, with a self-signed certificate for
 * localhost and 127.0.0.1 made here by openssl.
 */
export const startTestPostgres = async ({ tls = false }: { tls?: boolean } = {}): Promise<TestPostgres> => {
  const root = '/usr/lib/postgresql';
  const version = (existsSync(root) ? readdirSync(root) : [])
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a))[0];
  if (version === undefined) throw new Error('PostgreSQL is not installed: apt-get install postgresql');
  const bin = join(root, version, 'bin');
  const asRoot = process.getuid?.() === 0;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const wrap = (file: string, args: string[]) =>
    asRoot
      ? { file: 'setpriv', args: [`--reuid=${id('-u')}`, `--regid=${id('-g')}`, '--init-groups', file, ...args] }
      : { file, args };
  const dir = mkdtempSync(join(tmpdir(), 'weft-pg-node-'));
  if (asRoot) chownSync(dir, id('-u'), id('-g'));
  const data = join(dir, 'data');
  const init = wrap(join(bin, 'initdb'), ['-D', data, '-U', 'weft', '--auth=trust', '-E', 'UTF8', '-N']);
  const initialised = spawnSync(init.file, init.args, { encoding: 'utf8' });
  if (initialised.status !== 0) throw new Error(`initdb failed: ${initialised.stderr}`);
  const tlsArgs: string[] = [];
  if (tls) {
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1'].concat([
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ]),
      { stdio: 'ignore' },
    );
    // PostgreSQL refuses a key others may read.
    chmodSync(key, 0o600);
    if (asRoot) for (const f of [cert, key]) chownSync(f, id('-u'), id('-g'));
    tlsArgs.push('-c', 'ssl=on', '-c', `ssl_cert_file=${cert}`, '-c', `ssl_key_file=${key}`);
  }
  const port = await freePort();
  const run = wrap(join(bin, 'postgres'), [
    ...tlsArgs,
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
  ]);
  const child = spawn(run.file, run.args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: `postgres://weft@127.0.0.1:${port}/postgres` });
    try {
      await client.connect();
      await client.query('create database weft');
      await client.end();
      return { port, url: `postgres://weft@127.0.0.1:${port}/weft`, stop };
    } catch (error) {
      await client.end().catch(() => undefined);
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`postgres did not start: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
};
