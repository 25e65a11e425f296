/**
 * The docs page's files (Swagger UI's standalone build, from the
 * swagger-ui-dist package): the web app's build copies them to
 * `dist/client/api-docs/` (scripts/api-docs-assets.ts), so they are served
 * like the app's own files — from the folder, or from the binary's memory —
 * and the page at `/api/docs` loads them from `/api-docs/`. No CDN.
 */
export const API_DOCS_ASSETS = {
  /** Folder in the build, and URL path prefix. */
  dir: 'api-docs',
  script: 'swagger-ui-bundle.js',
  stylesheet: 'swagger-ui.css',
} as const;
