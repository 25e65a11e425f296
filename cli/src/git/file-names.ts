/**
 * File and folder names made from workflow and node names, which are
 * anyone's text: only lowercase letters, digits and "-" survive, so a name
 * can never climb out of the folder, hide as a dotfile or differ only in case
 * on a case-insensitive disk.
 */

const MAX_SLUG = 60;

// Names Windows refuses for a file whatever the extension.
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;

export const slugify = (name: string, fallback: string): string => {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/, '');
  if (slug.length === 0) return fallback;
  return RESERVED.test(slug) ? `${slug}-1` : slug;
};

/**
 * `base` (with `ext`) if free, else `base-2`, `base-3`, …; `taken` holds
 * lowercased names and gets the chosen one.
 */
export const claimName = (base: string, ext: string, taken: Set<string>): string => {
  for (let n = 1; ; n++) {
    const name = `${n === 1 ? base : `${base}-${n}`}${ext}`;
    if (!taken.has(name.toLowerCase())) {
      taken.add(name.toLowerCase());
      return name;
    }
  }
};

/** What a file or folder name read from a hostile folder or state file may be: one plain path segment. */
export const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$/;

export const isSafeName = (name: string): boolean => SAFE_NAME.test(name) && !name.includes('..');
