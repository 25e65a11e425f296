// Node flags for the server process, in one place for `npm start`, the browser
// tests and the benchmarks. A 2 MB semi-space keeps V8's young generation from
// growing to 32 MB under sustained traffic: a relay's garbage is short-lived,
// so small scavenges cost no more CPU, and RSS stays flat.
export const serverNodeFlags = ['--max-semi-space-size=2'];
