import { useCallback, useEffect, useRef, useState, type SubmitEvent } from 'react';
import type { CreatedLinkDto, LinkDto, LinkRole } from '#shared/api/index.ts';
import { LINK_LABEL_MAX, LINK_MAX_USES } from '#shared/api/index.ts';
import { api, ApiError } from '../api/client.ts';
import { fieldText } from '../ui/form.ts';
import {
  dateRange,
  expiryChoices,
  expiryToIso,
  linkState,
  stateLabel,
  usesText,
  type ExpiryChoice,
} from './link-expiry.ts';
import './share.css';

const linkRoles: readonly LinkRole[] = ['editor', 'commenter', 'viewer'];

export const REVOKE_NOTE = 'People who joined through this link stay members; remove them in Members.';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const message = (e: unknown, fallback: string): string => (e instanceof ApiError ? e.message : fallback);

/**
 * Share links (docs/plans/collaboration.md §3.3), for a workflow's owners:
 * make one with a role, an expiry, a usage limit and a label; see how often
 * each was used and by whom; copy or revoke it. Revoking closes the link,
 * never the memberships it gave.
 */
export const ShareLinks = ({ workflowId }: { workflowId: string }) => {
  const [links, setLinks] = useState<LinkDto[]>();
  /** When the list was loaded: links expire against this, so a render is what the server said then. */
  const [loadedAt, setLoadedAt] = useState(0);
  const [error, setError] = useState<string>();
  const [expiry, setExpiry] = useState<ExpiryChoice>('7');
  const [busy, setBusy] = useState(false);
  const [fresh, setFresh] = useState<string>();
  const reload = useCallback(() => {
    api<{ links: LinkDto[] }>('GET', `/api/workflows/${workflowId}/links`).then(
      (r) => {
        setLinks(r.links);
        setLoadedAt(Date.now());
      },
      (e: unknown) => setError(message(e, 'Could not load the links')),
    );
  }, [workflowId]);
  useEffect(() => {
    reload();
    // Uses come from other people's browsers: look again whenever the owner comes back to this tab.
    window.addEventListener('focus', reload);
    return () => window.removeEventListener('focus', reload);
  }, [reload]);

  const create = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const expiresAt = expiryToIso(expiry, fieldText(form, 'expiryDate'), new Date());
    if (expiresAt === undefined) {
      setError('Pick the date the link expires on');
      return;
    }
    const limit = fieldText(form, 'maxUses').trim();
    const label = fieldText(form, 'label').trim();
    setBusy(true);
    try {
      const created = await api<CreatedLinkDto>('POST', `/api/workflows/${workflowId}/links`, {
        role: fieldText(form, 'role') as LinkRole,
        expiresAt,
        maxUses: limit === '' ? null : Number(limit),
        ...(label === '' ? {} : { label }),
      });
      form.reset();
      setExpiry('7');
      setError(undefined);
      setFresh(created.id);
      reload();
    } catch (e) {
      setError(message(e, 'Could not make the link'));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (link: LinkDto) => {
    try {
      await api('DELETE', `/api/workflows/${workflowId}/links/${link.id}`);
      setError(undefined);
      reload();
    } catch (e) {
      setError(message(e, 'Could not revoke the link'));
    }
  };

  const range = dateRange(new Date());
  return (
    <section className="card share-links" aria-label="Share links">
      <form className="link-create" aria-label="New share link" onSubmit={(e) => void create(e)}>
        <label>
          Role
          <select name="role" defaultValue="editor">
            {linkRoles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          Expires
          <select name="expiry" value={expiry} onChange={(e) => setExpiry(e.target.value as ExpiryChoice)}>
            {expiryChoices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        {expiry === 'date' && (
          <label className="wide">
            Expires at the end of
            <input name="expiryDate" type="date" required min={range.min} max={range.max} />
          </label>
        )}
        <label>
          Usage limit
          <input name="maxUses" type="number" min={1} max={LINK_MAX_USES} step={1} placeholder="No limit" />
        </label>
        <label>
          Label
          <input name="label" maxLength={LINK_LABEL_MAX} placeholder="Optional" />
        </label>
        <button type="submit" className="primary wide" disabled={busy}>
          Create link
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {links?.length === 0 && <p className="muted link-empty">No links yet.</p>}
      {links && links.length > 0 && (
        <ul className="links" aria-label="Share links">
          {links.map((l) => (
            <LinkItem key={l.id} link={l} now={loadedAt} fresh={l.id === fresh} onRevoke={() => void revoke(l)} />
          ))}
        </ul>
      )}
    </section>
  );
};

const LinkItem = ({
  link,
  now,
  fresh,
  onRevoke,
}: {
  link: LinkDto;
  now: number;
  fresh: boolean;
  onRevoke: () => void;
}) => {
  const [confirming, setConfirming] = useState(false);
  const [copied, setCopied] = useState<'yes' | 'failed'>();
  const address = useRef<HTMLInputElement>(null);
  const state = linkState(link, now);
  const name = link.label ?? `${link.role[0]?.toUpperCase() ?? ''}${link.role.slice(1)} link`;

  const copy = () => {
    if (!link.url) return;
    navigator.clipboard.writeText(link.url).then(
      () => setCopied('yes'),
      () => {
        // Without clipboard access the address is selected instead, for Ctrl/⌘ C.
        address.current?.select();
        setCopied('failed');
      },
    );
  };
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(undefined), 2500);
    return () => clearTimeout(timer);
  }, [copied]);

  return (
    <li className={`link-item${state === 'active' ? '' : ' closed'}${fresh ? ' fresh' : ''}`} aria-label={name}>
      <div className="link-head">
        <strong className="link-name" title={name}>
          {name}
        </strong>
        <span className="badge">{link.role}</span>
        {state !== 'active' && <span className="badge link-state">{stateLabel[state]}</span>}
      </div>
      <p className="link-meta muted">
        <span>{usesText(link.uses, link.maxUses)}</span>
        <span>
          {link.revokedAt !== null
            ? `Revoked ${when.format(link.revokedAt)}`
            : link.expiresAt === null
              ? 'Never expires'
              : `${state === 'expired' ? 'Expired' : 'Expires'} ${when.format(link.expiresAt)}`}
        </span>
      </p>
      {state === 'active' && link.url && (
        <div className="link-address">
          <input
            ref={address}
            readOnly
            value={link.url}
            aria-label={`Address of ${name}`}
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" onClick={copy}>
            {copied === 'yes' ? 'Copied' : 'Copy'}
          </button>
        </div>
      )}
      {copied === 'failed' && <p className="link-hint muted">Press Ctrl/⌘ C to copy the selected address.</p>}
      {state === 'active' && !link.url && (
        <p className="link-hint muted">This link’s address can no longer be shown; revoke it and make a new one.</p>
      )}
      {link.joined.length > 0 && (
        <p className="link-joined">
          <span className="muted">Joined: </span>
          {link.joined.map((j, i) => (
            <span key={j.userId} title={j.email}>
              {i > 0 && ', '}
              {j.name}
            </span>
          ))}
        </p>
      )}
      {link.revokedAt === null &&
        (confirming ? (
          <div className="link-revoke" role="group" aria-label={`Revoke ${name}`}>
            <p>{REVOKE_NOTE}</p>
            <div className="row">
              <button type="button" className="danger" onClick={onRevoke}>
                Revoke link
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </div>
          </div>
        ) : (
          <button type="button" className="danger link-revoke-start" onClick={() => setConfirming(true)}>
            Revoke
          </button>
        ))}
    </li>
  );
};
