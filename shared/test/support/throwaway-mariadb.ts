import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from './free-port.ts';
import { selfSignedCertificate } from './self-signed-certificate.ts';

/**
 * A throwaway MariaDB for the MySQL node's tests (Debian's mariadb-server:
 * /usr/sbin/mariadbd, /usr/bin/mariadb-install-db): its own data directory in
 * a temp folder, started with --no-defaults so no /etc/mysql setting applies,
 * on 127.0.0.1 at a free port and on a socket in that folder, durability off.
 * As root it runs as root (--user=root): the temp folder is root's. Root logs
 * in with no password; database `weft` belongs to user `weft` (password `weft`).
 * The engine's node tests, the server's end-to-end test and the harness share it.
 */

export interface TestMariaDb {
  port: number;
  socket: string;
  /** The folder its files are in (certificates when `tls`). */
  dir: string;
  /** A root connection (closed by stop). */
  admin: mysql.Connection;
  stop(): Promise<void>;
}

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';

/** With `tls`, the server also takes TLS, with a self-signed certificate for localhost and 127.0.0.1 made by openssl. */
export const startTestMariaDb = async ({ tls = false }: { tls?: boolean } = {}): Promise<TestMariaDb> => {
  if (!existsSync(MARIADBD) || !existsSync(INSTALL_DB))
    throw new Error('MariaDB is not installed: apt-get install mariadb-server');
  const dir = mkdtempSync(join(tmpdir(), 'weft-mariadb-'));
  const data = join(dir, 'data');
  const socket = join(dir, 'mariadb.sock');
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? ['--user=root'] : [];
  const installed = spawnSync(
    INSTALL_DB,
    [
      '--no-defaults',
      `--datadir=${data}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--skip-name-resolve',
      ...user,
    ],
    { encoding: 'utf8' },
  );
  if (installed.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed: ${installed.stderr || installed.stdout}`);
  }
  const tlsArgs: string[] = [];
  if (tls) {
    const { cert, key } = selfSignedCertificate(dir);
    tlsArgs.push(`--ssl-cert=${cert}`, `--ssl-key=${key}`);
  }
  const port = await freePort();
  const child = spawn(
    MARIADBD,
    [
      '--no-defaults',
      ...user,
      `--datadir=${data}`,
      `--socket=${socket}`,
      `--pid-file=${join(dir, 'mariadb.pid')}`,
      `--log-error=${join(dir, 'error.log')}`,
      '--bind-address=127.0.0.1',
      `--port=${port}`,
      '--skip-name-resolve',
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-buffer-pool-size=32M',
      '--skip-log-bin',
      ...tlsArgs,
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let admin: mysql.Connection | undefined;
  const stop = async () => {
    await admin?.end().catch(() => undefined);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      admin = await mysql.createConnection({ socketPath: socket, user: 'root', multipleStatements: true });
      await admin.query(
        "CREATE DATABASE weft; CREATE USER 'weft'@'%' IDENTIFIED BY 'weft'; GRANT ALL ON weft.* TO 'weft'@'%';",
      );
      return { port, socket, dir, admin, stop };
    } catch (error) {
      await admin?.end().catch(() => undefined);
      admin = undefined;
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`mariadbd did not start: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
};
