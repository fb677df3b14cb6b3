// The figures every fan-out load reports (deliveries, rate, latency percentiles, server CPU per delivery), computed and printed one way.
import { fmt, percentile } from './stats.js';

/** What a fan-out run measured about its deliveries. */
export interface DeliveryFigures {
  readonly expected: number;
  readonly delivered: number;
  readonly perSecond: number;
  readonly p50ms: number;
  readonly p99ms: number;
  readonly cpuPerDeliveryUs: number | null;
}

/** The raw counts of a run: latencies in us (the first `delivered` are filled), times in us, server CPU in us (null when unknown). */
export interface DeliveryRun {
  readonly latencies: Float64Array;
  readonly expected: number;
  readonly delivered: number;
  readonly startUs: number;
  readonly lastUs: number;
  readonly cpuBefore: number | null;
  readonly cpuAfter: number | null;
}

/** Rate over the time from the first send to the last delivery; percentiles of the latencies recorded. */
export function deliveryFigures(run: DeliveryRun): DeliveryFigures {
  const { latencies, expected, delivered, cpuBefore, cpuAfter } = run;
  const sorted = latencies.subarray(0, Math.min(delivered, expected)).sort();
  return {
    expected,
    delivered,
    perSecond: delivered / (Math.max(1, run.lastUs - run.startUs) / 1e6),
    p50ms: percentile(sorted, 50) / 1000,
    p99ms: percentile(sorted, 99) / 1000,
    cpuPerDeliveryUs: cpuBefore === null || cpuAfter === null || delivered === 0 ? null : (cpuAfter - cpuBefore) / delivered,
  };
}

/** The figures as one table cell; `extra` cells (a load's own counts) go before the server CPU. */
export function deliveryCell(r: DeliveryFigures, extra: readonly string[] = [], cpuDigits = 3): string {
  return [
    `${fmt(r.delivered)}/${fmt(r.expected)} delivered`,
    `${fmt(r.perSecond)} deliveries/s`,
    `p50 ${fmt(r.p50ms, 1)} ms`,
    `p99 ${fmt(r.p99ms, 1)} ms`,
    ...extra,
    `server CPU ${fmt(r.cpuPerDeliveryUs, cpuDigits)} us/delivery`,
  ].join(' | ');
}
