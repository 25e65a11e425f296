import { useReactFlow } from '@xyflow/react';
import {
  AlignCenterVertical,
  AlignEndVertical,
  AlignStartVertical,
  AlignCenterHorizontal,
  AlignEndHorizontal,
  AlignStartHorizontal,
  AlignHorizontalSpaceAround,
  AlignVerticalSpaceAround,
} from 'lucide-react';
import { IconButton } from '../ui/icon-button.tsx';
import { align, distribute, type Alignment, type Box, type Moves } from '../canvas/arrange.ts';
import type { FlowNode } from '../canvas/flow-binding.ts';

const ALIGN: { how: Alignment; label: string; Icon: typeof AlignStartVertical }[] = [
  { how: 'left', label: 'Align left', Icon: AlignStartVertical },
  { how: 'center', label: 'Align centres horizontally', Icon: AlignCenterVertical },
  { how: 'right', label: 'Align right', Icon: AlignEndVertical },
  { how: 'top', label: 'Align top', Icon: AlignStartHorizontal },
  { how: 'middle', label: 'Align middles vertically', Icon: AlignCenterHorizontal },
  { how: 'bottom', label: 'Align bottom', Icon: AlignEndHorizontal },
];

/** Shown while two or more nodes are selected. */
export const ArrangeToolbar = ({ onArrange }: { onArrange: (moves: Moves) => void }) => {
  const { getNodes } = useReactFlow<FlowNode>();
  const boxes = (): Box[] =>
    getNodes()
      .filter((n) => n.selected)
      .map((n) => ({
        id: n.id,
        x: n.position.x,
        y: n.position.y,
        width: n.measured?.width ?? 180,
        height: n.measured?.height ?? 56,
      }));
  return (
    <div className="arrange" role="toolbar" aria-label="Arrange the selection">
      {ALIGN.map(({ how, label, Icon }) => (
        <IconButton key={how} icon={Icon} label={label} onClick={() => onArrange(align(boxes(), how))} />
      ))}
      <IconButton
        icon={AlignHorizontalSpaceAround}
        label="Distribute horizontally"
        title="Distribute horizontally (3 or more)"
        onClick={() => onArrange(distribute(boxes(), 'horizontal'))}
      />
      <IconButton
        icon={AlignVerticalSpaceAround}
        label="Distribute vertically"
        title="Distribute vertically (3 or more)"
        onClick={() => onArrange(distribute(boxes(), 'vertical'))}
      />
    </div>
  );
};
