import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { signupRequest } from '#shared/api/index.ts';
import type { AdminUserDto } from '#shared/api/access.ts';
import { isWeftError } from '#shared/errors.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import { hashPassword } from '../accounts/passwords.ts';
import { AdminError } from './admin-error.ts';
import type { AdminStorage } from './admin-storage.ts';

/**
 * `weft user …` on the database (DATA_DIR/weft.db or DATABASE_URL's), through
 * the same account store the server uses, so the rules are the server's: addresses are unique and
 * lower-cased, the first account of the instance is its admin, disabling an
 * account ends its sessions and stops its tokens, a new password ends its
 * sessions. A running server sees each change at its next request (a
 * disabled account's open editor sockets close at the server's next check,
 * see outside-writes.ts; on PostgreSQL that waits for NOTIFY, scale-out §5.11).
 */

/** A password for people to change later: 20 characters of base64url (120 random bits). */
export const generatePassword = (): string => randomBytes(15).toString('base64url');

/** The account store of `storage`, with the store's rule violations as AdminErrors. */
const withAccounts = async <T>(storage: AdminStorage, work: (accounts: AccountStore) => Promise<T>): Promise<T> => {
  try {
    return await storage.withAccounts(work);
  } catch (error) {
    if (isWeftError(error)) {
      throw new AdminError(error.code === 'conflict' ? 'conflict' : 'invalid', error.message, { cause: error });
    }
    throw error;
  }
};

const problems = (error: z.ZodError): string =>
  error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');

/** An account by its id or its email address. */
const findUser = async (accounts: AccountStore, ref: string): Promise<AdminUserDto> => {
  const byEmail = await accounts.findByEmail(ref);
  const id = byEmail?.id ?? ref;
  const user = (await accounts.listUsers()).find((u) => u.id === id);
  if (!user) throw new AdminError('not_found', `No account has the id or email ${JSON.stringify(ref)}`);
  return user;
};

export const createUser = (
  storage: AdminStorage,
  input: { email: string; name: string; password: string },
): Promise<AdminUserDto> => {
  const parsed = signupRequest.safeParse(input);
  if (!parsed.success) return Promise.reject(new AdminError('invalid', problems(parsed.error)));
  return withAccounts(storage, async (accounts) => {
    const passwordHash = await hashPassword(parsed.data.password);
    const created = await accounts.createUser({ email: parsed.data.email, name: parsed.data.name, passwordHash });
    return await findUser(accounts, created.id);
  });
};

export const listUsers = (storage: AdminStorage): Promise<AdminUserDto[]> =>
  withAccounts(storage, (accounts) => accounts.listUsers());

/** Disables or enables an account; answers it as it is now. */
export const setUserDisabled = (
  storage: AdminStorage,
  ref: string,
  disabled: boolean,
  options: { force?: boolean } = {},
): Promise<AdminUserDto> =>
  withAccounts(storage, async (accounts) => {
    const user = await findUser(accounts, ref);
    // The web app forbids an admin disabling themself; here, at least say what it costs.
    const otherAdmins = (await accounts.listUsers()).filter((u) => u.isAdmin && !u.disabled && u.id !== user.id);
    if (disabled && user.isAdmin && !user.disabled && otherAdmins.length === 0 && options.force !== true) {
      throw new AdminError(
        'conflict',
        `${user.email} is the last enabled instance admin: disabling it leaves nobody to administer Weft from the web (--force does it anyway)`,
      );
    }
    await accounts.setDisabled(user.id, disabled);
    return await findUser(accounts, user.id);
  });

export const resetPassword = (storage: AdminStorage, ref: string, password: string): Promise<AdminUserDto> => {
  const parsed = signupRequest.shape.password.safeParse(password);
  if (!parsed.success) return Promise.reject(new AdminError('invalid', `password: ${problems(parsed.error)}`));
  return withAccounts(storage, async (accounts) => {
    const user = await findUser(accounts, ref);
    await accounts.setPasswordHash(user.id, await hashPassword(parsed.data));
    return user;
  });
};
