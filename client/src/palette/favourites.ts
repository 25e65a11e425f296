import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';

/** The signed-in person's starred node types, kept on the server (`/api/me/favourites`). */
export const useFavourites = (): { favourites: readonly string[]; toggle: (type: string) => void } => {
  const [favourites, setFavourites] = useState<readonly string[]>([]);
  useEffect(() => {
    let live = true;
    api<{ types: string[] }>('GET', '/api/me/favourites').then(
      (r) => live && setFavourites(r.types),
      // Offline: no stars until the server answers; the palette works without them.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  const toggle = useCallback((type: string) => {
    setFavourites((current) => {
      const next = current.includes(type) ? current.filter((t) => t !== type) : [...current, type];
      api<{ types: string[] }>('PUT', '/api/me/favourites', { types: next }).then(
        (r) => setFavourites(r.types),
        () => setFavourites(current),
      );
      return next;
    });
  }, []);
  return { favourites, toggle };
};
