export { createCollector, type Collector } from './collector.js';
export { startCollector, type RunningCollector, type ServeOptions } from './server.js';
export type { CollectorOptions } from './options.js';
export type { DropTimeouts } from './domain/drop-detection.js';
export type { SweepResult } from './sweeper.js';
export type { LogLine, Logger } from './middleware/request-log.js';
