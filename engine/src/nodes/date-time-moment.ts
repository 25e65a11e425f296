import moment from 'moment-timezone/moment-timezone.js';
import { packedZoneData } from '../sandbox/time-assets.ts';

/**
 * moment, as n8n's Date & Time node has it: version 2 reads dates through
 * `moment(text)` (ISO, RFC 2822, then the JavaScript Date parser), version 1
 * does everything with moment-timezone. The core without its bundled data:
 * the zones come from the same packed data the sandbox uses, loaded on first
 * use (only version 1's time zone options need them).
 */

// moment's fallback to Date parsing prints a deprecation warning into the engine's log otherwise.
moment.suppressDeprecationWarnings = true;

let zonesLoaded = false;

export const momentWithZones = (): typeof moment => {
  if (!zonesLoaded) {
    moment.tz.load(packedZoneData());
    zonesLoaded = true;
  }
  return moment;
};

/**
 * Runs `f` with moment's clock at the run's time: moment takes the current year for a format without
 * one and the current time for nothing at all, as n8n's node does at the moment it runs.
 */
export const withClock = <T>(now: number, f: () => T): T => {
  const real = moment.now;
  moment.now = () => now;
  try {
    return f();
  } finally {
    moment.now = real;
  }
};

export { moment };
