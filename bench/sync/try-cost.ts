import * as Y from 'yjs';
import { buildUpdateStream } from './cold-sync.ts';
const { finalState } = buildUpdateStream(20_000);
const time = (label: string, f: () => unknown) => {
  const t = performance.now();
  const r = f();
  console.log(label, (performance.now() - t).toFixed(1), 'ms');
  return r;
};
for (let round = 0; round < 3; round++) {
  const doc = new Y.Doc();
  time('applyUpdate(snapshot)', () => Y.applyUpdate(doc, finalState));
  time('encodeStateAsUpdate', () => Y.encodeStateAsUpdate(doc));
  time('encodeStateVector', () => Y.encodeStateVector(doc));
  time('encodeStateVectorFromUpdate', () => Y.encodeStateVectorFromUpdate(finalState));
  time('diffUpdate(empty sv)', () => Y.diffUpdate(finalState, Y.encodeStateVector(new Y.Doc())));
  const v2 = Y.convertUpdateFormatV1ToV2(finalState);
  const d2 = new Y.Doc();
  time('applyUpdateV2', () => Y.applyUpdateV2(d2, v2));
  console.log('v2 bytes', v2.length, 'v1', finalState.length);
}
