import { useCallback, useEffect, useState } from 'react';
import type { AdminUserDto, UserDto } from '#shared/api/index.ts';
import { api, ApiError } from '../api/client.ts';

const message = (e: unknown): string => (e instanceof ApiError ? e.message : 'Could not reach the server');

/**
 * The instance admin's list of accounts. Disabling one signs it out
 * everywhere at once (its open workflows close, its API tokens stop working)
 * until it is enabled again.
 */
export const UsersSection = ({ user }: { user: UserDto }) => {
  const [users, setUsers] = useState<AdminUserDto[]>();
  const [error, setError] = useState<string>();
  const reload = useCallback(() => {
    api<{ users: AdminUserDto[] }>('GET', '/api/admin/users').then(
      (r) => setUsers(r.users),
      (e: unknown) => setError(message(e)),
    );
  }, []);
  useEffect(reload, [reload]);

  const create = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    const text = (name: string): string => {
      const value = data.get(name);
      return typeof value === 'string' ? value : '';
    };
    try {
      await api('POST', '/api/admin/users', {
        email: text('email'),
        name: text('name'),
        password: text('password'),
      });
      form.reset();
      setError(undefined);
    } catch (e) {
      setError(message(e));
    }
    reload();
  };

  const toggle = async (target: AdminUserDto) => {
    const verb = target.disabled ? 'enable' : 'disable';
    if (!target.disabled && !window.confirm(`Disable ${target.email}? They are signed out everywhere at once.`)) return;
    try {
      await api('POST', `/api/admin/users/${encodeURIComponent(target.id)}/${verb}`);
      setError(undefined);
    } catch (e) {
      setError(message(e));
    }
    reload();
  };

  const setAdmin = async (target: AdminUserDto) => {
    const remove = target.isAdmin;
    const question = remove
      ? `Take the admin role from ${target.email}?`
      : `Make ${target.email} an admin? Admins own every workflow and change the instance settings.`;
    if (!window.confirm(question)) return;
    try {
      await api(remove ? 'DELETE' : 'POST', `/api/admin/users/${encodeURIComponent(target.id)}/admin`);
      setError(undefined);
    } catch (e) {
      setError(message(e));
    }
    reload();
  };

  return (
    <div>
      <form
        aria-label="Add an account"
        className="row"
        style={{ gap: 8, marginBottom: 12, flexWrap: 'wrap' }}
        onSubmit={(e) => {
          e.preventDefault();
          void create(e.currentTarget);
        }}
      >
        <input name="name" aria-label="Name" placeholder="Name" required />
        <input name="email" aria-label="Email" type="email" placeholder="Email" required />
        <input
          name="password"
          aria-label="Password"
          type="text"
          placeholder="Password to tell them (8+ characters)"
          minLength={8}
          required
        />
        <button type="submit">Add account</button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {users === undefined ? (
        !error && <p className="muted">Loading…</p>
      ) : (
        <table aria-label="Accounts">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Since</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>{u.name}</td>
                <td>{u.email}</td>
                <td className="muted">{new Date(u.createdAt).toLocaleDateString()}</td>
                <td>
                  <span className="badge">{u.disabled ? 'disabled' : u.isAdmin ? 'admin' : 'active'}</span>
                </td>
                <td style={{ textAlign: 'right' }}>
                  {u.id !== user.id && !u.disabled && (
                    <button
                      type="button"
                      aria-label={`${u.isAdmin ? 'Remove admin' : 'Make admin'} ${u.email}`}
                      onClick={() => void setAdmin(u)}
                      style={{ marginRight: 6 }}
                    >
                      {u.isAdmin ? 'Remove admin' : 'Make admin'}
                    </button>
                  )}
                  {u.id !== user.id && (
                    <button
                      type="button"
                      className={u.disabled ? undefined : 'danger'}
                      aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.email}`}
                      onClick={() => void toggle(u)}
                    >
                      {u.disabled ? 'Enable' : 'Disable'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
};
