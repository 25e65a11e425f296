import { text } from '../conditions.ts';
import { type Mapper, type Params, same } from '../param-reader.ts';

/**
 * Code, and n8n's legacy Function and Function Item nodes, which become Code
 * nodes that run as them (`legacy`): Function's code once for all items with
 * n8n's `items`, Function Item's once per item with `item` being a copy of
 * the item's data, and what it returns is the item's data.
 */
export const codeMappers: Record<string, Mapper> = {
  code: (r) => {
    const out: Params = {};
    same(r, out, ['mode', 'jsCode']);
    if (r.get('language') === 'python' || r.get('language') === 'pythonNative') {
      r.problem('its Python code cannot run in Weft, which runs JavaScript');
      out.jsCode = `// Python from n8n, to be rewritten in JavaScript:\n/*\n${text(r.get('pythonCode'))}\n*/\nreturn $input.all();`;
    }
    return out;
  },
  // Weft's Code runs them with their own variables, result checks and errors (its `legacy` parameter).
  function: (r) => ({ mode: 'runOnceForAllItems', legacy: 'function', jsCode: text(r.get('functionCode')) }),
  functionItem: (r) => ({ mode: 'runOnceForEachItem', legacy: 'functionItem', jsCode: text(r.get('functionCode')) }),
};
