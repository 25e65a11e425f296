import { useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type { ModeDto } from '#shared/api/modes.ts';
import type { WorkflowRole } from '#shared/api/index.ts';
import { modeSchema } from '#shared/api/modes.ts';
import { serverEntry } from '../runs/server-entry.ts';

/**
 * The workflow's edit mode as the server announces it in the room (the
 * `mode` field of its awareness entry): no field means parallel. The object
 * is kept while its content stays the same, so readers re-render only on a
 * real change.
 */
export class EditModeWatch {
  private mode: ModeDto | null = null;
  private json = 'null';
  private readonly listeners = new Set<() => void>();

  constructor(private readonly awareness: Awareness) {
    awareness.on('change', this.refresh);
    this.refresh();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Null while the workflow is in parallel mode (or the server has not said). */
  get = (): ModeDto | null => this.mode;

  destroy(): void {
    this.awareness.off('change', this.refresh);
    this.listeners.clear();
  }

  private readonly refresh = (): void => {
    const parsed = modeSchema.safeParse(serverEntry(this.awareness)?.mode);
    const next = parsed.success && parsed.data.mode !== 'parallel' ? parsed.data : null;
    const json = JSON.stringify(next);
    if (json === this.json) return;
    this.json = json;
    this.mode = next;
    for (const listener of this.listeners) listener();
  };
}

/** Whether the mode lets this person write now; the server enforces the same (modes/edit-policy.ts `allows`). */
export const modeAllows = (mode: ModeDto | null, userId: string, role: WorkflowRole): boolean => {
  if (!mode) return true;
  if (mode.mode === 'locked') return role === 'owner';
  if (mode.mode === 'pen') return mode.pen?.holder === userId;
  return true;
};

/** The room's edit mode, followed while mounted. */
export const useEditMode = (awareness: Awareness): ModeDto | null => {
  const [mode, setMode] = useState<ModeDto | null>(null);
  useEffect(() => {
    const watch = new EditModeWatch(awareness);
    // The watch subscribes to awareness, so it is made (and unmade) by the effect.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setMode(watch.get());
    const off = watch.subscribe(() => setMode(watch.get()));
    return () => {
      off();
      watch.destroy();
    };
  }, [awareness]);
  return mode;
};
