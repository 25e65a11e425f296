/**
 * n8n's messages for a `$('X').item` that cannot be walked back, shared by the
 * engine-side walk and the preview. A module of their own: the preview worker
 * imports these and nothing else of the paired records (which need zod).
 */

/** n8n's message when a node on the way did not say where an item came from. */
export const pairedItemMissing = (node: string, method = 'item'): { error: string } => ({
  error: `Paired item data for ${method} from node '${node}' is unavailable. Ensure '${node}' is providing the required output.`,
});

/** n8n's message when the node asked for is not on the way back. */
export const pairedItemNoPath = (target: string): { error: string } => ({
  error: `Invalid expression: no path back to referenced node '${target}'`,
});
