/**
 * How deep JSON from outside may nest. JSON.parse takes any depth, but what
 * Weft does with a value afterwards (JSON.stringify to store it, Yjs encoding,
 * re-encoding awareness for a room) recurses and overflows the stack a few
 * thousand levels down. Real request bodies, webhook payloads and workflow
 * definitions stay far below this.
 */
export const MAX_JSON_DEPTH = 128;

/** Whether JSON text nests arrays and objects deeper than `max` (brackets inside strings do not count). */
export const nestsDeeperThan = (json: string, max: number): boolean => {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
};
