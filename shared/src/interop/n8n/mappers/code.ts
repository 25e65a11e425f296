import { text } from '../conditions.ts';
import { type Mapper, type Params, same } from '../param-reader.ts';

/**
 * Code, and n8n's legacy Function and Function Item nodes, which become Code
 * nodes: Function's code runs once for all items with n8n's `items` (Weft's
 * Code has n8n's legacy variables); Function Item's once per item with `item`
 * being the item's data, as it was there, and what it returns is the item.
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
  function: (r) => ({ mode: 'runOnceForAllItems', jsCode: text(r.get('functionCode')) }),
  functionItem: (r) => ({
    mode: 'runOnceForEachItem',
    // Function Item's `item` is the item's data itself (n8n's Code has `$json` for it); on the
    // code's first line, so errors name the lines n8n named.
    jsCode: `const item = $json; ${text(r.get('functionCode'))}`,
  }),
};
