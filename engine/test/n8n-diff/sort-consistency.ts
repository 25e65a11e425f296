import vm from 'node:vm';

/**
 * Whether sort code is a consistent comparison over these items (a total
 * preorder: antisymmetric, transitive, equal items contiguous once sorted).
 * Only then does every correct stable sort give the same order; with an
 * inconsistent one the order is whatever the algorithm makes of it (V8's
 * TimSort in n8n, QuickJS's in Weft's sandbox). The code runs here as n8n
 * runs it, in sloppy mode, in a context of its own (test code, generated cases).
 */
export const sortCodeIsConsistent = (code: string, items: unknown[]): boolean => {
  const source = `(() => {
    const cmp = function (a, b) { ${code}\n};
    const sign = (a, b) => { const r = Number(cmp(a, b)); return Number.isNaN(r) ? 0 : Math.sign(r); };
    const list = items.map((json) => ({ json }));
    const sorted = [...list].sort((a, b) => sign(a, b));
    const n = sorted.length;
    for (let i = 0; i < n; i++) {
      let zeros = true;
      for (let j = i + 1; j < n; j++) {
        const s = sign(sorted[i], sorted[j]);
        if (s > 0 || sign(sorted[j], sorted[i]) !== -s) return false;
        if (s === 0 && !zeros) return false;
        if (s !== 0) zeros = false;
      }
    }
    return true;
  })()`;
  try {
    return vm.runInNewContext(source, { items }, { timeout: 5000 }) === true;
  } catch {
    return false;
  }
};
