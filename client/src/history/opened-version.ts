import { atom } from 'jotai';
import type { VersionDetailDto } from '#shared/api/versions.ts';

/** The version opened read-only from the history panel: the editor shows it over the live canvas. */
export const openedVersionAtom = atom<VersionDetailDto | null>(null);
