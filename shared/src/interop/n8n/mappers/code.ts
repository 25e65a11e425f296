import { text } from '../conditions.ts';
import { type Mapper, type Params, same } from '../param-reader.ts';

/** Code. */
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
};
