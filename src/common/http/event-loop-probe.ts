import type { FastifyInstance } from 'fastify';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface EventLoopDelay {
  /** The longest stall since the last reset, in milliseconds. */
  maxMs: number;
  p99Ms: number;
  meanMs: number;
  samples: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * For the benchmarks only (BENCH_EVENT_LOOP=1): samples the event-loop delay every 10 ms and
 * answers GET /_bench/event-loop (loopback clients only) with the figures since the last
 * `?reset=1`, so the bench can see whether a long export stalls everyone else.
 */
export function registerEventLoopProbe(fastify: FastifyInstance): void {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  fastify.get('/_bench/event-loop', (request, reply) => {
    if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) {
      return reply.code(404).send();
    }
    const delay: EventLoopDelay = {
      maxMs: histogram.max / 1e6,
      p99Ms: histogram.percentile(99) / 1e6,
      meanMs: Number.isNaN(histogram.mean) ? 0 : histogram.mean / 1e6,
      samples: histogram.count,
    };
    if ((request.query as Record<string, unknown>).reset) {
      histogram.reset();
    }
    return reply.header('Cache-Control', 'no-store').send(delay);
  });
  fastify.addHook('onClose', () => {
    histogram.disable();
  });
}
