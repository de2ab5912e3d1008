import { systemClock, type Clock, type Platform } from '@waymark/core';
import { availableParallelism, hostname, loadavg } from 'node:os';
import { version } from '../package.json';

/** The SDK's name and version, a process snapshot for error reports, and CPU and memory for metrics. */
export function nodePlatform(): Platform {
  const perfContext = () => {
    const m = process.memoryUsage();
    return { cpuCount: availableParallelism(), rssBytes: m.rss, heapUsedBytes: m.heapUsed, loadAvg1m: loadavg()[0] };
  };
  return {
    sdk: { name: '@waymark/node', version },
    perfContext,
    snapshot: () => ({ ...perfContext(), node: process.version, platform: process.platform, arch: process.arch, hostname: hostname(), pid: process.pid, uptimeS: Math.round(process.uptime()) }),
  };
}

/**
 * The host's clock, with timers that do not keep the process alive: a service that
 * has finished exits, and what is pending goes out on `beforeExit`.
 */
export const nodeClock: Clock = {
  ...systemClock,
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
};
