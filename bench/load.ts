import autocannon from 'autocannon';

export interface LoadResult {
  /** Successful (2xx) responses per second. */
  rps: number;
  p50Ms: number;
  /** autocannon reports no p95: p97.5 bounds it from above. */
  p975Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Bytes of one response body (average). */
  bodyBytes: number;
  errors: number;
  non2xx: number;
  /** CPU ms the server's Node process spent per response (when the bench can read it). */
  cpuMsPerResponse?: number;
}

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  headers?: Record<string, string>;
}

/** One autocannon run against a URL from this process (the server runs in another). */
export async function runLoad(url: string, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: options.headers,
    timeout: 30,
  });
  const ok = result['2xx'];
  return {
    rps: ok / result.duration,
    p50Ms: result.latency.p50,
    p975Ms: result.latency.p97_5,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    bodyBytes: ok > 0 ? result.throughput.total / (ok + result.non2xx) : 0,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** Median of each field over several rounds. */
export function medianOf(results: readonly LoadResult[]): LoadResult {
  const field = (pick: (result: LoadResult) => number) => median(results.map(pick));
  return {
    rps: field((result) => result.rps),
    p50Ms: field((result) => result.p50Ms),
    p975Ms: field((result) => result.p975Ms),
    p99Ms: field((result) => result.p99Ms),
    maxMs: field((result) => result.maxMs),
    bodyBytes: field((result) => result.bodyBytes),
    cpuMsPerResponse: results.some((result) => result.cpuMsPerResponse !== undefined)
      ? field((result) => result.cpuMsPerResponse ?? Number.NaN)
      : undefined,
    errors: results.reduce((total, result) => total + result.errors, 0),
    non2xx: results.reduce((total, result) => total + result.non2xx, 0),
  };
}
