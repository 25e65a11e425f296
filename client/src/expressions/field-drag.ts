import type { DragEvent } from 'react';
import { pathTemplate, type FieldPath } from '#shared/expressions/path-expr.ts';
import { isExpression } from '#shared/schema/index.ts';

/**
 * Dragging a field of a run's items onto a parameter ("mapping"): the drag
 * carries the field's expression under Weft's own type, so only parameter
 * fields react to it (and text/plain as well, for dropping into any text box).
 */
export const FIELD_MIME = 'application/x-weft-field';

export interface DraggedField {
  /** The node whose items hold the field. */
  node: string;
  path: FieldPath;
  /** Whether those items are the target node's own input (`$json…`) rather than an earlier node's (`$('…')`). */
  ownInput: boolean;
}

export const startFieldDrag = (event: DragEvent, field: DraggedField): void => {
  const template = pathTemplate(field.path, field);
  event.dataTransfer.setData(FIELD_MIME, template);
  event.dataTransfer.setData('text/plain', template);
  event.dataTransfer.effectAllowed = 'copy';
};

/** The `{{ … }}` a drop carries, when it is a dragged field. */
export const droppedTemplate = (data: DataTransfer | null): string | undefined => {
  const template = data?.getData(FIELD_MIME);
  return template ? template : undefined;
};

export const carriesField = (data: DataTransfer | null): boolean => data?.types.includes(FIELD_MIME) ?? false;

/**
 * A parameter's text after a field is dropped into it at `at`: inserted there
 * when the text is already an expression, else the whole value becomes the
 * expression (n8n's behaviour: a fixed value is replaced, not appended to).
 */
export const withDroppedField = (text: string, template: string, at: number): string => {
  if (!isExpression(text)) return `=${template}`;
  const pos = Math.max(1, Math.min(at, text.length));
  return `${text.slice(0, pos)}${template}${text.slice(pos)}`;
};
