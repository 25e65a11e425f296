import { X } from 'lucide-react';
import { SHORTCUTS } from './shortcuts.ts';

export const HelpPanel = ({ onClose }: { onClose: () => void }) => (
  <aside className="side-panel" aria-label="Keyboard shortcuts">
    <div className="panel-head">
      <h2>Keyboard shortcuts</h2>
      <button type="button" className="icon-button" aria-label="Close the shortcuts" onClick={onClose}>
        <X size={16} aria-hidden="true" />
      </button>
    </div>
    <table className="shortcuts">
      <tbody>
        {SHORTCUTS.map((s) => (
          <tr key={s.keys}>
            <td>
              <kbd>{s.keys}</kbd>
            </td>
            <td>{s.action}</td>
          </tr>
        ))}
      </tbody>
    </table>
    <p className="muted">
      Drag nodes from the palette or click them to add. Drag from an output handle to an input to connect. Click a
      person's avatar to follow their view.
    </p>
  </aside>
);
