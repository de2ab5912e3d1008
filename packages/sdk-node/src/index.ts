export { createWaymark, type NodeOptions, type NodeProgressInput, type NodeStats, type Waymark } from './waymark.js';
export { openOutbox, type Durability, type Outbox } from './outbox.js';
export { createHttpTransport, type HttpTransportOptions } from './transport.js';
export { nodeClock, nodePlatform } from './platform.js';
export { WaymarkValidationError } from '@waymark/protocol';
export { WaymarkOptionError, type WaymarkError, type ErrorOptions, type Timer } from '@waymark/core';
