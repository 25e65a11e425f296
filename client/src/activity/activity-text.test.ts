import { describe, expect, it } from 'vitest';
import type { AuditEventDto } from '#shared/api/audit.ts';
import { activityQuery, describeActivity, relativeTime } from './activity-text.ts';

const event = (over: Partial<AuditEventDto>): AuditEventDto => ({
  id: '1',
  action: 'member.invited',
  actor: { id: 'u1', name: 'Olga' },
  at: 0,
  via: 'session',
  session: null,
  target: null,
  data: {},
  ...over,
});
const names = (id: string) => ({ u2: 'Ben' })[id];

describe('the Activity panel’s words', () => {
  it('asks the route for a chip’s prefixes and the next page', () => {
    expect(activityQuery('all', null)).toBe('limit=30');
    expect(activityQuery('access', '42')).toBe('limit=30&action=member.%2Cinvitation.&cursor=42');
    expect(activityQuery('modes', null, 10)).toBe('limit=10&action=mode.%2Cpen.');
  });

  it('says what happened, with names where it knows them', () => {
    expect(describeActivity(event({ data: { role: 'editor', email: 'cy@example.com' } }), names)).toBe(
      'invited cy@example.com as editor',
    );
    // An editor's trail has no addresses.
    expect(describeActivity(event({ data: { role: 'editor' } }), names)).toBe('invited someone as editor');
    expect(
      describeActivity(
        event({
          action: 'member.role_changed',
          target: { type: 'user', id: 'u2' },
          data: { from: 'editor', to: 'viewer' },
        }),
        names,
      ),
    ).toBe('made Ben viewer (was editor)');
    expect(
      describeActivity(event({ action: 'mode.changed', data: { mode: 'locked', reason: 'Release' } }), names),
    ).toBe('locked the workflow: “Release”');
    expect(describeActivity(event({ action: 'pen.released', actor: null, data: { reason: 'idle' } }), names)).toBe(
      'released the pen after it sat idle',
    );
    expect(describeActivity(event({ action: 'run.started', data: { mode: 'manual' } }), names)).toBe(
      'started a manual run',
    );
    expect(describeActivity(event({ action: 'something.new' }), names)).toBe('something.new');
  });

  it('words the invitation mails, pen requests, renames and credential use', () => {
    expect(describeActivity(event({ action: 'invitation.emailed', data: { email: 'cy@example.com' } }), names)).toBe(
      'emailed the invitation to cy@example.com',
    );
    // Editors see no addresses.
    expect(describeActivity(event({ action: 'invitation.email_failed', data: {} }), names)).toBe(
      'could not email the invitation',
    );
    expect(describeActivity(event({ action: 'pen.requested', target: { type: 'user', id: 'u2' } }), names)).toBe(
      'asked Ben for the pen',
    );
    expect(describeActivity(event({ action: 'pen.requested' }), names)).toBe('asked for the pen');
    expect(
      describeActivity(event({ action: 'workflow.renamed', data: { from: 'Orders', to: 'Orders v2' } }), names),
    ).toBe('renamed it from “Orders” to “Orders v2”');
    expect(
      describeActivity(
        event({ action: 'credential.used', actor: null, via: 'engine', target: { type: 'credential', id: 'c1' } }),
        names,
      ),
    ).toBe('handed a credential to the first run of a version');
    expect(activityQuery('runs', null)).toContain('credential.used');
  });

  it('gives times relative to now', () => {
    const now = Date.UTC(2026, 0, 10, 12);
    expect(relativeTime(now - 20_000, now)).toBe('just now');
    expect(relativeTime(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(relativeTime(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(relativeTime(now - 30 * 3_600_000, now)).toBe('yesterday');
    expect(relativeTime(now - 10 * 86_400_000, now)).toBe(new Date(now - 10 * 86_400_000).toLocaleDateString());
  });
});
