import { lazy, Suspense } from 'react';
import type { YTextEditorProps } from './ytext-editor.tsx';

/**
 * CodeMirror is a third of the app's code and only the inspector needs it:
 * it loads after the canvas, so a big workflow shows sooner. The service
 * worker keeps its chunk with the rest of the app for offline use.
 */
const Editor = lazy(() => import('./ytext-editor.tsx').then((m) => ({ default: m.YTextEditor })));

export const LazyYTextEditor = (props: YTextEditorProps) => (
  <Suspense fallback={<div className="ytext ytext-loading" aria-busy="true" />}>
    <Editor {...props} />
  </Suspense>
);
