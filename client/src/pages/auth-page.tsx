import { useState, type SubmitEvent } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import type { UserDto } from '#shared/api/index.ts';
import { fieldText } from '../ui/form.ts';
import { api, ApiError } from '../api/client.ts';
import { authPathWithNext, safeNextPath } from './next-path.ts';

export const AuthPage = ({ mode, onSignedIn }: { mode: 'login' | 'signup'; onSignedIn: (user: UserDto) => void }) => {
  const [, navigate] = useLocation();
  // Where to go once signed in (a share link's page, say); anything but a path of this app is ignored.
  const next = safeNextPath(new URLSearchParams(useSearch()).get('next'));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const body: Record<string, string> = { email: fieldText(form, 'email'), password: fieldText(form, 'password') };
    if (mode === 'signup') {
      body.name = fieldText(form, 'name');
      // Signing up on the way to a join link: with invite-only sign-up, the link is what lets this person in.
      const link = /^\/join\/([^/?#]+)$/.exec(next ?? '')?.[1];
      if (link) body.link = decodeURIComponent(link);
    }
    setBusy(true);
    setError(undefined);
    try {
      const { user } = await api<{ user: UserDto }>('POST', `/api/auth/${mode}`, body);
      // Navigating first means the signed-in routes never see /login or /signup (which they send home).
      if (next) navigate(next);
      else if (window.location.pathname === '/signup' || window.location.pathname === '/login') navigate('/');
      onSignedIn(user);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not reach the server');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card auth" onSubmit={(e) => void submit(e)} aria-label={mode === 'login' ? 'Log in' : 'Sign up'}>
      <h1>{mode === 'login' ? 'Log in to Weft' : 'Create your Weft account'}</h1>
      {mode === 'signup' && (
        <label>
          Name
          <input name="name" autoComplete="name" required maxLength={100} />
        </label>
      )}
      <label>
        Email
        <input name="email" type="email" autoComplete="email" required />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          required
          minLength={mode === 'signup' ? 8 : undefined}
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button className="primary" type="submit" disabled={busy}>
        {mode === 'login' ? 'Log in' : 'Sign up'}
      </button>
      <p className="muted">
        {mode === 'login' ? (
          <>
            No account? <Link href={next ? authPathWithNext('signup', next) : '/signup'}>Sign up</Link>
          </>
        ) : (
          <>
            Have an account? <Link href={next ? authPathWithNext('login', next) : '/login'}>Log in</Link>
          </>
        )}
      </p>
    </form>
  );
};
