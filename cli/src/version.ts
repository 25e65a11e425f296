import packageJson from '../../package.json' with { type: 'json' };

/** The version `weft --version` prints: package.json's, bundled into the binary at build time. */
export const WEFT_VERSION: string = packageJson.version;
