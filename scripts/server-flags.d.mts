/** Node flags for the server process (see server-flags.mjs). */
export declare const serverNodeFlags: readonly string[];
