import { createContext, useContext } from 'react';
import type { ReactFlowState } from '@xyflow/react';

/**
 * Level of detail: below this zoom a node is a rectangle in its colour (no
 * icon, text, handles or badges) and an edge a straight line without labels.
 * At 0.4 a node's 13 px name is 5 px on screen, too small to read, and a
 * 1,000-node workflow in view is fifteen thousand DOM elements drawn in full.
 */
export const SIMPLE_BELOW_ZOOM = 0.4;

/** A React Flow store selector that changes only when the zoom crosses the threshold, not on every zoom step. */
export const simpleAtZoom = (state: ReactFlowState): boolean => state.transform[2] < SIMPLE_BELOW_ZOOM;

/**
 * Whether the canvas draws the simple form. One subscriber (the canvas)
 * reads the store and provides it here: a store selector in each of 1,000
 * nodes would run on every frame of a drag or a zoom.
 */
export const SimpleDrawing = createContext(false);

export const useSimpleDrawing = (): boolean => useContext(SimpleDrawing);
