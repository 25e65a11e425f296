import { SidePanel } from '../ui/side-panel.tsx';
import { SHORTCUTS } from './shortcuts.ts';

export const HelpPanel = ({ onClose }: { onClose: () => void }) => (
  <SidePanel label="Keyboard shortcuts" title="Keyboard shortcuts" closeLabel="Close the shortcuts" onClose={onClose}>
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
  </SidePanel>
);
