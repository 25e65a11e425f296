import { useState } from 'react';
import { CheckCircle2, RotateCcw } from 'lucide-react';
import type { MemberDto } from '#shared/api/index.ts';
import { isTombstone, splitMentions, type CommentRecord, type ThreadView } from '#shared/discussion/index.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { Composer } from './composer.tsx';
import { toComposerText } from './mention-text.ts';

export type NameOf = (userId: string) => string | undefined;

const when = (ms: number): string => {
  const minutes = Math.round((Date.now() - ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 24 * 60) return `${Math.round(minutes / 60)} h ago`;
  return new Date(ms).toLocaleDateString();
};

/** A body with its mentions as names; never markup built from the text. */
export const CommentBody = ({ body, nameOf }: { body: string; nameOf: NameOf }) => (
  <p className="comment-body">
    {splitMentions(body).map((segment, i) =>
      segment.kind === 'text' ? (
        <span key={i}>{segment.text}</span>
      ) : (
        <span key={i} className="mention">
          @{nameOf(segment.userId) ?? 'unknown user'}
        </span>
      ),
    )}
  </p>
);

const Comment = ({
  comment,
  members,
  nameOf,
}: {
  comment: CommentRecord;
  members: readonly MemberDto[];
  nameOf: NameOf;
}) => {
  const { discussion, canComment, canModerate } = useEditor();
  const [editing, setEditing] = useState(false);
  const me = discussion.userId;
  const author = nameOf(comment.author) ?? 'someone';
  if (isTombstone(comment)) {
    return (
      <li className="comment removed" data-testid="comment">
        <span className="muted">
          {comment.deletedBy && comment.deletedBy !== comment.author
            ? `Removed by ${nameOf(comment.deletedBy) ?? 'an owner'}`
            : 'Deleted'}
        </span>
      </li>
    );
  }
  const mine = comment.author === me;
  return (
    <li className="comment" data-testid="comment">
      <div className="comment-head">
        <strong>{author}</strong>
        <span className="muted" title={new Date(comment.createdAt).toLocaleString()}>
          {when(comment.createdAt)}
          {comment.editedAt ? ' · edited' : ''}
        </span>
        {canComment && !editing && (
          <span className="comment-actions">
            {mine && (
              <button type="button" className="link-button" onClick={() => setEditing(true)}>
                Edit
              </button>
            )}
            {(mine || canModerate) && (
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  if (mine || window.confirm(`Remove ${author}'s comment?`)) discussion.remove(comment.id);
                }}
              >
                {mine ? 'Delete' : 'Remove'}
              </button>
            )}
          </span>
        )}
      </div>
      {editing ? (
        <Composer
          members={members}
          label="Edit comment"
          submitLabel="Save"
          initial={toComposerText(comment.body, nameOf)}
          autoFocus
          onCancel={() => setEditing(false)}
          onSubmit={(body) => {
            discussion.edit(comment.id, body);
            setEditing(false);
          }}
        />
      ) : (
        <CommentBody body={comment.body} nameOf={nameOf} />
      )}
    </li>
  );
};

/** One thread: where it is, its comments in order, a reply box, resolve or reopen. */
export const ThreadCard = ({
  thread,
  anchorText,
  members,
  nameOf,
  focused,
  onShow,
}: {
  thread: ThreadView;
  anchorText: string;
  members: readonly MemberDto[];
  nameOf: NameOf;
  focused: boolean;
  onShow: (() => void) | undefined;
}) => {
  const { discussion, canComment } = useEditor();
  return (
    <article
      className={`thread${thread.resolved ? ' resolved' : ''}${focused ? ' focused' : ''}`}
      data-testid="thread"
      data-thread-id={thread.id}
      aria-label={`Thread ${anchorText}`}
      ref={(el) => {
        if (focused) el?.scrollIntoView({ block: 'nearest' });
      }}
    >
      <header className="thread-head">
        {onShow ? (
          <button type="button" className="link-button" onClick={onShow}>
            {anchorText}
          </button>
        ) : (
          <span className="muted">{anchorText}</span>
        )}
        {thread.resolved && <span className="badge">Resolved</span>}
        {canComment && (
          <button
            type="button"
            className="icon-button thread-resolve"
            aria-label={thread.resolved ? 'Reopen thread' : 'Resolve thread'}
            title={thread.resolved ? 'Reopen' : 'Resolve'}
            onClick={() => discussion.setResolved(thread.id, !thread.resolved)}
          >
            {thread.resolved ? (
              <RotateCcw size={15} aria-hidden="true" />
            ) : (
              <CheckCircle2 size={15} aria-hidden="true" />
            )}
          </button>
        )}
      </header>
      <ol className="comments">
        {thread.comments.map((c) => (
          <Comment key={c.id} comment={c} members={members} nameOf={nameOf} />
        ))}
      </ol>
      {canComment && !thread.resolved && (
        <Composer
          members={members}
          label="Reply"
          submitLabel="Reply"
          onSubmit={(body) => discussion.reply(thread.id, body)}
        />
      )}
    </article>
  );
};
