// `npm start`: build the web app if it is missing or older than its sources,
// then run the sync server in this process (so signals reach it directly).
const { register } = await import('tsx/esm/api');
register();

if (!process.argv.includes('--help') && !process.argv.includes('-h')) {
  const { buildClientIfNeeded } = await import('./build-client.ts');
  await buildClientIfNeeded();
}
await import('../sync-server/src/main.ts');
