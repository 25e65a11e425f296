import type { LucideIcon } from 'lucide-react';

/** A toolbar button that is only an icon: its label is the accessible name and the tooltip. */
export const IconButton = ({
  icon: Icon,
  label,
  title = label,
  pressed,
  disabled,
  onClick,
}: {
  icon: LucideIcon;
  label: string;
  title?: string;
  pressed?: boolean;
  disabled?: boolean;
  onClick: () => void;
}) => (
  <button
    type="button"
    className="icon-button"
    aria-label={label}
    title={title}
    aria-pressed={pressed}
    disabled={disabled}
    onClick={onClick}
  >
    <Icon size={16} aria-hidden="true" />
  </button>
);
