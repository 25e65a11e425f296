import { Command } from 'commander';
import type { AdminUserDto } from '#shared/api/access.ts';
import { table, when } from '../output.ts';
import {
  addDataDir,
  adminStorageOf,
  adminWork,
  jsonOption,
  readStdinLine,
  runAction,
  type DataDirFlag,
  type JsonFlag,
} from './common.ts';

/**
 * `weft user create|list|disable|enable|reset-password`: accounts, on the
 * database itself (sync-server/src/admin/users.ts), so they work with
 * no server running, before the first start and when nobody can log in.
 */

type Flags = DataDirFlag & JsonFlag;
type PasswordFlags = Flags & { passwordStdin?: boolean };

const admin = () => import('../../../sync-server/src/admin/users.ts');

const describe = (u: AdminUserDto): string =>
  `${u.email} (${u.name}, id ${u.id})${u.isAdmin ? ', instance admin' : ''}${u.disabled ? ', disabled' : ''}`;

/** The password from stdin, or a generated one the command prints (once). */
const passwordOf = async (flags: PasswordFlags): Promise<{ password: string; generated: boolean }> => {
  if (flags.passwordStdin) return { password: await readStdinLine(), generated: false };
  const { generatePassword } = await admin();
  return { password: generatePassword(), generated: true };
};

export const userCommand = (): Command => {
  const user = new Command('user').description(
    "manage accounts in the data directory's database, or DATABASE_URL's PostgreSQL (works whether or not the server runs)",
  );

  addDataDir(
    user
      .command('create')
      .description('create an account; the first account of an instance is its admin')
      .argument('<email>', 'the address to log in with')
      .option('--name <name>', 'the name people see (default: the part of the address before @)')
      .option('--password-stdin', 'read the password from the first line of stdin (default: generate one and print it)')
      .addOption(jsonOption()),
  ).action((email: string, flags: PasswordFlags & { name?: string }) =>
    runAction(flags, async (out) => {
      const storage = await adminStorageOf(flags);
      const { password, generated } = await passwordOf(flags);
      // The first admin is often made before the first start: make the database as the server would.
      if (!(await adminWork(() => storage.exists()))) {
        const made = await adminWork(() => storage.migrate());
        out.note(`created ${made.file}`);
      }
      const { createUser } = await admin();
      const created = await adminWork(() =>
        createUser(storage, { email, name: flags.name ?? email.split('@')[0] ?? email, password }),
      );
      out.result([`created ${describe(created)}`, ...(generated ? [`password: ${password}`] : [])], {
        user: created,
        ...(generated ? { password } : {}),
      });
    }),
  );

  addDataDir(user.command('list').description('list every account, oldest first').addOption(jsonOption())).action(
    (flags: Flags) =>
      runAction(flags, async (out) => {
        const storage = await adminStorageOf(flags);
        const { listUsers } = await admin();
        const users = await adminWork(() => listUsers(storage));
        out.result(
          table(
            ['ID', 'EMAIL', 'NAME', 'ADMIN', 'DISABLED', 'CREATED'],
            users.map((u) => [
              u.id,
              u.email,
              u.name,
              u.isAdmin ? 'yes' : 'no',
              u.disabled ? 'yes' : 'no',
              when(u.createdAt),
            ]),
          ),
          { users },
        );
      }),
  );

  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    addDataDir(
      user
        .command(name)
        .description(
          disabled
            ? 'disable an account: it cannot log in, its sessions end, its tokens and open editors stop working'
            : 'enable a disabled account again (its API tokens work again; people log in anew)',
        )
        .argument('<user>', 'the account: its email address or id')
        .option('--force', 'disable even the last enabled instance admin (nobody can then administer from the web)')
        .addOption(jsonOption()),
    ).action((ref: string, flags: Flags & { force?: boolean }) =>
      runAction(flags, async (out) => {
        const storage = await adminStorageOf(flags);
        const { setUserDisabled } = await admin();
        const changed = await adminWork(() => setUserDisabled(storage, ref, disabled, { force: flags.force === true }));
        out.result(`${disabled ? 'disabled' : 'enabled'} ${changed.email} (${changed.name}, id ${changed.id})`, {
          user: changed,
        });
      }),
    );
  }

  addDataDir(
    user
      .command('reset-password')
      .description('set a new password for an account and end its sessions (its API tokens keep working)')
      .argument('<user>', 'the account: its email address or id')
      .option('--password-stdin', 'read the password from the first line of stdin (default: generate one and print it)')
      .addOption(jsonOption()),
  ).action((ref: string, flags: PasswordFlags) =>
    runAction(flags, async (out) => {
      const storage = await adminStorageOf(flags);
      const { password, generated } = await passwordOf(flags);
      const { resetPassword } = await admin();
      const changed = await adminWork(() => resetPassword(storage, ref, password));
      out.result([`new password set for ${describe(changed)}`, ...(generated ? [`password: ${password}`] : [])], {
        user: changed,
        ...(generated ? { password } : {}),
      });
    }),
  );

  return user;
};
