import { useEffect, useState } from 'react';
import { Link, useLocation } from 'wouter';
import type { JoinedLinkDto, LinkPreviewDto, UserDto } from '#shared/api/index.ts';
import { instanceSchema } from '#shared/api/instance.ts';
import { api, ApiError } from '../api/client.ts';
import { withArticle } from './link-expiry.ts';
import { authPathWithNext } from './next-path.ts';
import './share.css';

/**
 * Someone who chose Log in or Sign up on a link's page meant to join: once
 * signed in they join at once. Arriving already signed in, they press Join.
 */
const intentKey = 'weft.joinIntent';

const rememberIntent = (token: string): void => {
  try {
    sessionStorage.setItem(intentKey, token);
  } catch {
    // Storage refused (private mode): they press Join after signing in instead.
  }
};

const takeIntent = (token: string): boolean => {
  try {
    const wanted = sessionStorage.getItem(intentKey) === token;
    sessionStorage.removeItem(intentKey);
    return wanted;
  } catch {
    return false;
  }
};

type View =
  | { state: 'loading' }
  | { state: 'offer'; preview: LinkPreviewDto }
  | { state: 'joining'; preview: LinkPreviewDto }
  | { state: 'closed'; title: string; message: string };

/** The server's messages are bare clauses; the page shows them as sentences. */
const sentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);

const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A link that does not admit anyone: the server's words for why, never its internals. */
const closed = (e: unknown): View => {
  if (e instanceof ApiError && e.status === 410)
    return { state: 'closed', title: 'This link no longer works', message: e.message };
  if (e instanceof ApiError && e.status === 404) {
    return { state: 'closed', title: 'There is no such link', message: 'Check that the whole address was copied.' };
  }
  if (e instanceof ApiError && e.status === 429) {
    return { state: 'closed', title: 'Too many tries', message: e.message };
  }
  return { state: 'closed', title: 'Could not open this link', message: 'The server could not be reached. Try again.' };
};

/**
 * Whether this server lets new people sign up (GET /api/instance), asked only
 * for a signed-out visitor. Unknown reads as open: the sign-up page itself
 * still refuses when it is not.
 */
const useSignupClosed = (ask: boolean): boolean => {
  const [closed, setClosed] = useState(false);
  useEffect(() => {
    if (!ask) return;
    let live = true;
    api<unknown>('GET', '/api/instance').then(
      (r) => {
        const parsed = instanceSchema.safeParse(r);
        if (live && parsed.success) setClosed(parsed.data.signup === 'closed');
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [ask]);
  return closed;
};

/**
 * `/join/:token` (docs/plans/collaboration.md §3.3): what a share link
 * offers, then sign-in (returning here through `?next=`) and joining, which
 * opens the workflow.
 */
export const JoinPage = ({ token, user }: { token: string; user?: UserDto | undefined }) => {
  const [, navigate] = useLocation();
  const [view, setView] = useState<View>({ state: 'loading' });
  const signupClosed = useSignupClosed(!user);
  const here = `/join/${token}`;

  useEffect(() => {
    let live = true;
    const join = async (preview: LinkPreviewDto) => {
      setView({ state: 'joining', preview });
      const joined = await api<JoinedLinkDto>('POST', `/api/links/${encodeURIComponent(token)}/join`);
      if (live) navigate(`/w/${joined.workflowId}`);
    };
    api<LinkPreviewDto>('GET', `/api/links/${encodeURIComponent(token)}`)
      .then((preview) => {
        if (!live) return;
        if (user && takeIntent(token)) return join(preview);
        setView({ state: 'offer', preview });
      })
      .catch((e: unknown) => {
        if (live) setView(closed(e));
      });
    return () => {
      live = false;
    };
  }, [token, user, navigate]);

  const join = (preview: LinkPreviewDto) => {
    setView({ state: 'joining', preview });
    api<JoinedLinkDto>('POST', `/api/links/${encodeURIComponent(token)}/join`).then(
      (joined) => navigate(`/w/${joined.workflowId}`),
      (e: unknown) => setView(closed(e)),
    );
  };

  if (view.state === 'loading') return <p className="shell muted">Loading…</p>;
  if (view.state === 'closed') {
    return (
      <section className="card auth join" aria-label="Share link">
        <h1>{view.title}</h1>
        <p role="alert">{sentence(view.message)}</p>
        <p className="muted">Ask whoever sent it for a new link.</p>
        <p>
          <Link href="/">Go to Weft’s home page</Link>
        </p>
      </section>
    );
  }

  const { preview } = view;
  return (
    <section className="card auth join" aria-label="Share link">
      <h1>Join {preview.workflowName}</h1>
      <p data-testid="join-invitation">
        {preview.invitedBy ? `${preview.invitedBy} invites you` : 'You are invited'} to{' '}
        <strong>{preview.workflowName}</strong> as {withArticle(preview.role)}.
      </p>
      {preview.expiresAt !== null && <p className="muted">This link works until {day.format(preview.expiresAt)}.</p>}
      {user ? (
        <>
          <p className="muted">You are signed in as {user.name}.</p>
          <div className="row">
            <button type="button" className="primary" disabled={view.state === 'joining'} onClick={() => join(preview)}>
              {view.state === 'joining' ? 'Joining…' : `Join ${preview.workflowName}`}
            </button>
            <Link href="/">Not now</Link>
          </div>
        </>
      ) : (
        <>
          {signupClosed ? (
            <p className="muted" data-testid="signup-closed">
              Sign-up is closed on this server: ask its admin for an account. With one, log in to join.
            </p>
          ) : (
            <p className="muted">Log in or sign up to join.</p>
          )}
          <div className="row">
            {!signupClosed && (
              <Link
                className="button primary"
                href={authPathWithNext('signup', here)}
                onClick={() => rememberIntent(token)}
              >
                Sign up
              </Link>
            )}
            <Link
              className={signupClosed ? 'button primary' : 'button'}
              href={authPathWithNext('login', here)}
              onClick={() => rememberIntent(token)}
            >
              Log in
            </Link>
          </div>
        </>
      )}
    </section>
  );
};
