/**
 * A node's footprint on Weft's canvas (.wf-node in the client's editor.css),
 * shared so what places nodes without a browser (the n8n import) keeps them
 * apart as the editor will draw them.
 */
export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 56;

/** A sticky note's size when its parameters do not say. */
export const STICKY_WIDTH = 240;
export const STICKY_HEIGHT = 160;
