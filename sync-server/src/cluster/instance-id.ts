import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * `host-pid-random`: unique per process start, and readable in logs and in
 * Redis (which machine published this?). The random part tells apart two
 * starts that reuse a pid, as containers do.
 */
export const instanceIdOf = (): string => `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
