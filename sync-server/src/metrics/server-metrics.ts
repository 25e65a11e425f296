import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the gauges read at each scrape: counts the server keeps anyway, so a scrape costs no query. */
export interface MetricSources {
  /** Loaded documents (rooms). */
  rooms: () => number;
  /** Open sync sockets. */
  sockets: () => number;
  /** Engine processes connected to this instance. */
  engines: () => number;
  /** Executions waiting for an engine, as the run queue counts them. */
  queued: () => number;
}

/** Names of the families this server exposes besides prom-client's default process metrics (the dashboard test reads it). */
export const METRIC_NAMES = {
  rooms: 'weft_rooms',
  sockets: 'weft_sockets',
  engines: 'weft_engines',
  queued: 'weft_queued_executions',
  updates: 'weft_updates_total',
  compactions: 'weft_compactions_total',
  executions: 'weft_executions_total',
  commitSeconds: 'weft_commit_duration_seconds',
  webhookSeconds: 'weft_webhook_duration_seconds',
} as const;

/**
 * prom-client's default metrics (memory, CPU, event loop lag, GC, handles)
 * describe the process, not a server, and each collection starts observers
 * that are never stopped: one registry for the process, made on first use and
 * shown by every server's scrape.
 */
let processRegistry: Registry | undefined;
const processMetrics = (): Registry => {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
};

/**
 * The Prometheus metrics of one server (docs/plans/home-insights.md §6), in
 * a registry of its own, so tests that run several servers in one process
 * never mix their counts. The hot paths (a commit, a webhook, a run's end)
 * only bump a counter or observe a histogram; the gauges are read at scrape.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private sources: MetricSources | undefined;
  private readonly updates: Counter;
  private readonly compactions: Counter;
  private readonly executions: Counter<'status' | 'mode'>;
  private readonly commitSeconds: Histogram;
  private readonly webhookSeconds: Histogram;

  constructor() {
    processMetrics();
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: (sources: MetricSources) => number): void => {
      const sources = (): MetricSources | undefined => this.sources;
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const known = sources();
          this.set(known ? read(known) : 0);
        },
      });
    };
    gauge(METRIC_NAMES.rooms, 'Documents loaded in rooms on this instance', (s) => s.rooms());
    gauge(METRIC_NAMES.sockets, 'Open sync sockets on this instance', (s) => s.sockets());
    gauge(METRIC_NAMES.engines, 'Engine processes connected to this instance', (s) => s.engines());
    gauge(
      METRIC_NAMES.queued,
      'Executions waiting for an engine (in a cluster every instance reports the whole queue: aggregate with max)',
      (s) => s.queued(),
    );
    this.updates = new Counter({
      name: METRIC_NAMES.updates,
      help: 'Document updates committed to the database',
      registers,
    });
    this.compactions = new Counter({
      name: METRIC_NAMES.compactions,
      help: 'Document logs folded into a snapshot',
      registers,
    });
    this.executions = new Counter({
      name: METRIC_NAMES.executions,
      help: 'Executions that ended, by status and mode',
      labelNames: ['status', 'mode'] as const,
      registers,
    });
    this.commitSeconds = new Histogram({
      name: METRIC_NAMES.commitSeconds,
      help: 'Time to commit a batch of document updates to the database',
      // Commits take from tens of microseconds (SQLite, NORMAL) to a network round trip and more (PostgreSQL).
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.webhookSeconds = new Histogram({
      name: METRIC_NAMES.webhookSeconds,
      help: 'Time from a webhook request arriving to its answer (a workflow that answers at its end included)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
  }

  /** Attaches what the gauges read (the sync endpoint and queue exist after the metrics do); until then they read 0. */
  watch(sources: MetricSources): void {
    this.sources = sources;
  }

  /** A batch of `updates` document updates was committed in `seconds`. */
  committed(updates: number, seconds: number): void {
    this.updates.inc(updates);
    this.commitSeconds.observe(seconds);
  }

  compacted(): void {
    this.compactions.inc();
  }

  executionEnded(status: string, mode: string): void {
    this.executions.inc({ status, mode });
  }

  webhookAnswered(seconds: number): void {
    this.webhookSeconds.observe(seconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text (Prometheus text format 0.0.4): this server's families, then the process's. */
  async text(): Promise<string> {
    const [own, ofProcess] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${own}\n${ofProcess}`;
  }
}

/** Seconds since `start` (a performance.now() reading). */
export const secondsSince = (start: number): number => (performance.now() - start) / 1000;
