/**
 * The kiosk's journey: the 8 funnel stages of a photo-booth session (seed 002) and the
 * route of each. The SDK names a screen by its pathname, so `SCREENS` maps pathnames
 * to stages for its funnel tracker.
 */
export const STAGES = ['attract', 'frame_select', 'options', 'payment', 'capture', 'edit', 'print', 'done'] as const;
export type Stage = (typeof STAGES)[number];

export const ROUTES: Record<Stage, string> = {
  attract: '/attract',
  frame_select: '/frames',
  options: '/options',
  payment: '/payment',
  capture: '/capture',
  edit: '/edit',
  print: '/print',
  done: '/done',
};

/** Pathname → stage, as `funnel.screens`. */
export const SCREENS: Record<string, Stage> = Object.fromEntries(STAGES.map((stage) => [ROUTES[stage], stage]));

/** The stage a pathname shows, if it is one of the kiosk's routes. */
export const stageOf = (pathname: string): Stage | undefined => SCREENS[pathname];

/**
 * Progress-event step of each stage (seed 000 §3). Stages not listed send
 * DATA_COLLECTED; `done` is the journey's end.
 */
export const STEPS: Partial<Record<Stage, string>> = { payment: 'FORM_SUBMITTED', print: 'REVIEWED', done: 'COMPLETED' };
