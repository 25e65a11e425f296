import { text } from '../conditions.ts';
import type { Mapper, Params } from '../param-reader.ts';

/** Error Trigger 1 has only n8n's notice; Stop and Error 1's three parameters come over as they are. */
export const errorNodeMappers: Record<string, Mapper> = {
  errorTrigger: () => ({}),
  stopAndError: (r) => {
    const out: Params = {};
    const type = r.get('errorType');
    if (type === 'errorObject' || type === 'errorMessage') out.errorType = type;
    const message = r.get('errorMessage');
    if (message !== undefined) out.errorMessage = text(message);
    const object = r.get('errorObject');
    // A JSON parameter written by hand into a file may be the object itself rather than its text.
    if (object !== undefined) out.errorObject = typeof object === 'string' ? object : JSON.stringify(object, null, 2);
    return out;
  },
};
