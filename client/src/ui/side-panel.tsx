import type { ReactNode } from 'react';
import { X } from 'lucide-react';

/** A panel on the editor's right side: a title, a close button, and its content. */
export const SidePanel = ({
  label,
  title,
  closeLabel,
  onClose,
  children,
}: {
  label: string;
  title: string;
  closeLabel: string;
  onClose: () => void;
  children: ReactNode;
}) => (
  <aside className="side-panel" aria-label={label}>
    <div className="panel-head">
      <h2>{title}</h2>
      <button type="button" className="icon-button" aria-label={closeLabel} onClick={onClose}>
        <X size={16} aria-hidden="true" />
      </button>
    </div>
    {children}
  </aside>
);
