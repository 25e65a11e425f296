/**
 * How Weft drives Debian's Chromium (browser tests and bench:client): never a
 * downloaded browser; without the background-networking flags Chromium keeps
 * calling hosts this machine cannot reach.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
