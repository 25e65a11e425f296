import { useMemo, useSyncExternalStore } from 'react';

/** The theme's CSS variables the charts draw with. */
export interface ChartColors {
  ok: string;
  danger: string;
  warning: string;
  accent: string;
  muted: string;
  border: string;
  text: string;
  panel: string;
}

/** `theme` only keys the read: the variables are the root element's computed style. */
const read = (_theme: string): ChartColors => {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    ok: v('--ok', '#15803d'),
    danger: v('--danger', '#c2410c'),
    warning: v('--warning', '#a16207'),
    accent: v('--accent', '#4f46e5'),
    muted: v('--muted', '#5d6673'),
    border: v('--border', '#dfe3e8'),
    text: v('--text', '#14171c'),
    panel: v('--panel', '#ffffff'),
  };
};

const subscribe = (notify: () => void) => {
  const themes = new MutationObserver(notify);
  themes.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class'] });
  return () => themes.disconnect();
};
const themeOf = () => `${document.documentElement.dataset.theme ?? ''} ${document.documentElement.className}`;

/**
 * The theme's colours, read again whenever the theme changes (app.tsx sets `data-theme` on the root element):
 * Recharts writes colours into SVG attributes, which must be values, not `var(--…)`.
 */
export const useChartColors = (): ChartColors => {
  const theme = useSyncExternalStore(subscribe, themeOf);
  return useMemo(() => read(theme), [theme]);
};
