import { createServer, type Server } from 'node:http';
import type { Logger } from '#shared/log.ts';
import { ErrorCodes } from '#shared/errors.ts';
import { errorBody } from '../http/errors.ts';
import type { ServerMetrics } from './server-metrics.ts';

const json = (status: number, code: string, message: string) => ({
  status,
  body: JSON.stringify(errorBody(code, message)),
});

/**
 * The admin port (WEFT_METRICS_PORT): `/metrics` and nothing else, without a
 * token. It is meant for a Prometheus on the same host or network namespace,
 * bound to 127.0.0.1 unless WEFT_METRICS_HOST says otherwise; whoever can
 * reach it can read counts (no workflow data, no names), never change a thing
 * (docs/SECURITY.md).
 */
export const createMetricsPort = (metrics: ServerMetrics, logger: Logger): Server =>
  createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const refuse = ({ status, body }: { status: number; body: string }): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
    };
    if (path !== '/metrics') {
      refuse(json(404, ErrorCodes.notFound, 'This port serves only /metrics'));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      refuse(json(405, ErrorCodes.badRequest, 'Only GET /metrics'));
      return;
    }
    metrics.text().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'collecting metrics failed');
        refuse(json(500, ErrorCodes.internal, 'Collecting metrics failed'));
      },
    );
  });
