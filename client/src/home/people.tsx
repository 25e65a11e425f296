import { colorFor } from '../presence/presence.ts';
import { useWorkflowPresence } from './presence.ts';

export const initials = (name: string): string =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase())
    .join('') || '?';

const Bubble = ({ person, label }: { person: { id: string; name: string }; label: string }) => (
  <span className="avatar" style={{ background: colorFor(person.id) }} title={label} data-person={person.name}>
    {initials(person.name)}
  </span>
);

/** The workflow's owner and first members, as the editor draws people (the same colour per account). */
export const MemberAvatars = ({
  members,
  count,
  ownerId,
}: {
  members: readonly { id: string; name: string }[];
  count: number;
  ownerId: string | undefined;
}) => (
  <span className="avatars home-members" aria-label={`${count} member${count === 1 ? '' : 's'}`}>
    {members.map((m) => (
      <Bubble key={m.id} person={m} label={m.id === ownerId ? `${m.name} (owner)` : m.name} />
    ))}
    {count > members.length && <span className="avatar more">+{count - members.length}</span>}
  </span>
);

/** Who has it open now: from the live feed, updated as people come and go. */
export const LiveAvatars = ({ workflowId }: { workflowId: string }) => {
  const here = useWorkflowPresence(workflowId);
  if (here.length === 0) return null;
  return (
    <span className="avatars home-live" role="group" aria-label={`In it now: ${here.map((p) => p.name).join(', ')}`}>
      <span className="live-dot" aria-hidden="true" />
      {here.map((p) => (
        <Bubble key={p.id} person={p} label={`${p.name} has it open now`} />
      ))}
    </span>
  );
};
