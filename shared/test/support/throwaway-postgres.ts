import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.ts';
import { selfSignedCertificate } from './self-signed-certificate.ts';

/**
 * A throwaway PostgreSQL server in a temp folder, on a free port of
 * 127.0.0.1, for tests, benchmarks and `npm run cluster`: Debian's own
 * binaries (`apt-get install postgresql`), no service, no system cluster.
 * Durability at the Postgres level is not under test (Weft's processes are
 * the ones killed), so fsync is off and it starts in well under a second.
 *
 * Postgres refuses to run as root: as root, the folder is handed to the
 * `postgres` user the package created and both binaries run as that user
 * (setpriv execs in place, so the child is Postgres itself and a signal to
 * it reaches Postgres).
 *
 * One helper for every part's tests (the database nodes' too) and the
 * cluster benchmark, so all of them start Postgres the same way.
 */

export interface ThrowawayPostgres {
  /** postgres://weft@127.0.0.1:PORT/weft */
  url: string;
  port: number;
  /** The postmaster's (its backends are its children: bench:cluster counts their CPU). */
  pid: number;
  /** A connection string for another database on the same server. */
  urlFor(database: string): string;
  /** Fast shutdown (SIGINT), then the folder is removed. */
  stop(): Promise<void>;
}

const BIN_ROOT = '/usr/lib/postgresql';

/** The newest installed major version's bin folder. */
export const postgresBin = (): string => {
  const versions = existsSync(BIN_ROOT)
    ? readdirSync(BIN_ROOT)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(BIN_ROOT, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(`PostgreSQL is not installed (no ${BIN_ROOT}/*/bin/postgres): apt-get install postgresql`);
  }
  return join(BIN_ROOT, newest, 'bin');
};

/** As root, the uid and gid to run Postgres as; otherwise undefined (run as ourselves). */
const runAs = (): { uid: number; gid: number } | undefined => {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error('running as root needs the `postgres` user that apt-get install postgresql creates');
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
};

const command = (user: { uid: number; gid: number } | undefined, file: string, args: string[]) =>
  user
    ? { file: 'setpriv', args: [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', file, ...args] }
    : { file, args };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The arguments that turn TLS on, with a self-signed certificate. */
const tlsArgs = (root: string, user: { uid: number; gid: number } | undefined): string[] => {
  const { cert, key } = selfSignedCertificate(root);
  // PostgreSQL refuses a key others may read.
  chmodSync(key, 0o600);
  if (user) for (const file of [cert, key]) chownSync(file, user.uid, user.gid);
  return ['-c', 'ssl=on', '-c', `ssl_cert_file=${cert}`, '-c', `ssl_key_file=${key}`];
};

/** With `tls`, the server takes TLS as well as plain connections (the database nodes' TLS tests). */
export const startPostgres = async ({
  timeoutMs = 30_000,
  tls = false,
}: { timeoutMs?: number; tls?: boolean } = {}): Promise<ThrowawayPostgres> => {
  const bin = postgresBin();
  const user = runAs();
  const root = mkdtempSync(join(tmpdir(), 'weft-pg-'));
  const data = join(root, 'data');
  if (user) chownSync(root, user.uid, user.gid);
  const remove = () => rmSync(root, { recursive: true, force: true });

  const init = command(user, join(bin, 'initdb'), ['-D', data, '-U', 'weft', '--auth=trust', '-E', 'UTF8', '-N']);
  const initialised = spawnSync(init.file, init.args, { encoding: 'utf8' });
  if (initialised.status !== 0) {
    remove();
    throw new Error(`initdb failed: ${initialised.stderr || initialised.stdout}`);
  }

  const port = await freePort();
  const run = command(user, join(bin, 'postgres'), [
    ...(tls ? tlsArgs(root, user) : []),
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    root,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=300',
  ]);
  const child: ChildProcess = spawn(run.file, run.args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const urlFor = (database: string) => `postgres://weft@127.0.0.1:${port}/${database}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    }
    remove();
  };

  // Ready when a connection succeeds: then create the database Weft uses.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      remove();
      throw new Error(`postgres exited at start:\n${log}`);
    }
    const client = new pg.Client({ connectionString: urlFor('postgres') });
    try {
      await client.connect();
      await client.query('create database weft');
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`postgres did not accept connections within ${timeoutMs} ms: ${String(error)}\n${log}`);
      }
      await sleep(50);
    }
  }
  return { url: urlFor('weft'), port, pid: child.pid ?? 0, urlFor, stop };
};
