import {
  ArrowDownWideNarrow,
  ArrowRight,
  Calendar,
  Clock,
  Code,
  CopyX,
  Filter,
  GitCompare,
  GitMerge,
  Globe,
  Hourglass,
  Layers,
  MousePointerClick,
  Pencil,
  Puzzle,
  Replace,
  Reply,
  Route,
  Scissors,
  Sigma,
  Split,
  StickyNote,
  Ungroup,
  Webhook,
  type LucideIcon,
} from 'lucide-react';

/** The catalog names icons by key (shared/ has no UI); the client maps keys to glyphs. */
const ICONS: Record<string, LucideIcon> = {
  'arrow-right': ArrowRight,
  calendar: Calendar,
  clock: Clock,
  code: Code,
  'copy-x': CopyX,
  filter: Filter,
  'git-compare': GitCompare,
  globe: Globe,
  hourglass: Hourglass,
  layers: Layers,
  merge: GitMerge,
  note: StickyNote,
  pencil: Pencil,
  pointer: MousePointerClick,
  replace: Replace,
  reply: Reply,
  route: Route,
  scissors: Scissors,
  sigma: Sigma,
  sort: ArrowDownWideNarrow,
  split: Split,
  'split-out': Ungroup,
  webhook: Webhook,
};

export const NodeIcon = ({ icon, size = 16 }: { icon: string | undefined; size?: number }) => {
  const Glyph = (icon && ICONS[icon]) || Puzzle;
  return <Glyph size={size} aria-hidden="true" strokeWidth={2} />;
};
