import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { API_DOCS_ASSETS } from '../shared/src/api/docs-assets.ts';

/**
 * A vite plugin that puts the API docs page's files (Swagger UI's standalone
 * build) into the web app's build under `api-docs/`, and serves them there
 * in `npm run dev`. They are not in the build's manifest, so the service
 * worker does not keep them: only someone who opens /api/docs loads them.
 */
const files = [API_DOCS_ASSETS.script, API_DOCS_ASSETS.stylesheet];

const packageDir = (): string => dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const contentType = (name: string): string =>
  name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';

export const apiDocsAssets = (): Plugin => ({
  name: 'weft-api-docs-assets',
  generateBundle() {
    const dir = packageDir();
    for (const name of files) {
      this.emitFile({
        type: 'asset',
        fileName: `${API_DOCS_ASSETS.dir}/${name}`,
        source: readFileSync(join(dir, name)),
      });
    }
  },
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      const name = files.find((f) => req.url === `/${API_DOCS_ASSETS.dir}/${f}`);
      if (!name) {
        next();
        return;
      }
      res.setHeader('content-type', contentType(name));
      res.end(readFileSync(join(packageDir(), name)));
    });
  },
});
