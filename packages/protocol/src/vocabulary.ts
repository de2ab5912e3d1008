/**
 * The closed vocabularies of the wire contract. Plain constants, no validator, so
 * browser bundles can import them through `@waymark/protocol/types`.
 */

/** The common, domain-independent journey steps (seed 000 §3). Services may add their own step names. */
export const STEPS = [
  'IDENTITY_VERIFIED',
  'DATA_COLLECTED',
  'FORM_SUBMITTED',
  'REVIEWED',
  'COMPLETED',
  'FAILED',
  'CANCEL',
  'DROPPED',
] as const;
export type CommonStep = (typeof STEPS)[number];

/** Progress status (seed 000 §5): SUCCESS moves on, FAIL is a system failure, CANCEL a user's choice, DROPPED an unintended stall. */
export const STATUSES = ['SUCCESS', 'FAIL', 'CANCEL', 'DROPPED'] as const;
export type Status = (typeof STATUSES)[number];

/** Example reason codes (seed 000 §5) plus TIMEOUT, which the collector uses for DROPPED journeys. Reasons stay open strings. */
export const REASONS = [
  'QUALITY_LOW',
  'CAMERA_PERMISSION_DENIED',
  'NETWORK_TIMEOUT',
  'USER_ABORT',
  'POLICY_REJECT',
  'TIMEOUT',
] as const;
export type CommonReason = (typeof REASONS)[number];

/** Client channels of `meta.channel`. */
export const CHANNELS = ['WEB', 'MOBILE_APP', 'MOBILE_WEB'] as const;
export type Channel = (typeof CHANNELS)[number];

/** UI event types captured on kiosks and pages (seed 002 Phase 2). */
export const UI_EVENT_TYPES = [
  'screen_enter',
  'screen_exit',
  'tap',
  'long_press',
  'select',
  'deselect',
  'back',
  'cancel',
  'scroll',
  'custom',
] as const;
export type UiEventType = (typeof UI_EVENT_TYPES)[number];

/** Where a tap landed relative to the nearest interactive target (seed 002 heatmap data). */
export const HIT_RESULTS = ['success', 'miss', 'outside'] as const;
export type HitResult = (typeof HIT_RESULTS)[number];

/** Performance metric types (seed 002 Phase 3). */
export const METRIC_TYPES = ['app_start', 'capture', 'render', 'print', 'payment', 'custom'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

export const ERROR_SEVERITIES = ['fatal', 'error', 'warning', 'info'] as const;
export type ErrorSeverity = (typeof ERROR_SEVERITIES)[number];

export const ERROR_CATEGORIES = ['hardware', 'software', 'network'] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export const BREADCRUMB_TYPES = ['screen', 'tap', 'network', 'navigation', 'console', 'custom'] as const;
export type BreadcrumbType = (typeof BREADCRUMB_TYPES)[number];

/** Session status; `active` may move to any of the others, which are terminal. */
export const SESSION_STATUSES = ['active', 'completed', 'cancelled', 'timeout', 'error'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Causes under which a client drops items it could not deliver, reported in `client_report` items. */
export const DROP_CAUSES = ['overflow', 'rejected', 'quota'] as const;
export type DropCause = (typeof DROP_CAUSES)[number];

/** The `kind` discriminator of items in the SDK batch envelope. */
export const ITEM_KINDS = ['progress', 'session', 'ui_event', 'performance', 'error', 'purchase', 'client_report'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** Wire limits, shared by the schemas and the clients that want to stay inside them. */
export const LIMITS = {
  /** Longest id (traceId, sessionId, eventId, deviceId…). */
  idLength: 128,
  /** Longest short label (service, step, reason, screenId…). */
  labelLength: 64,
  /** Longest free text (error message). */
  textLength: 8_192,
  /** Longest stack trace. */
  stackLength: 65_536,
  /** Most breadcrumbs on an error report. */
  breadcrumbs: 50,
  /** Deepest nesting inside an open object (`meta`, `props`, `context`, `deviceSnapshot`). */
  openDepth: 8,
  /** Most keys, counted over all levels, inside an open object. */
  openKeys: 200,
  /** Most items in one batch. */
  batchItems: 5_000,
} as const;
