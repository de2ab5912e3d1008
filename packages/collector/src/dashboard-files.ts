import { fileURLToPath } from 'node:url';

/**
 * Where the dashboard's static files are: `dashboard/` beside this module. That is
 * `src/dashboard/` when the collector runs from source and `dist/dashboard/` when it
 * is built (the build copies the folder, and bundles this module at the top of dist).
 */
export const DASHBOARD_DIR = fileURLToPath(new URL('./dashboard/', import.meta.url));
