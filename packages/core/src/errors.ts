import type { BatchItem, FieldError } from '@waymark/protocol/types';

/**
 * What went wrong, reported through the `onError` option:
 * - `rejected`: the collector refused an item; it is dropped, not retried.
 * - `auth`: the collector refused the write key (401/403); items are kept and retried.
 * - `storage`: durable storage failed; the client goes on with memory storage.
 * - `capture`: an error the SDK caught in its own capture code.
 */
export interface WaymarkError {
  code: 'rejected' | 'auth' | 'storage' | 'capture';
  message: string;
  status?: number;
  item?: BatchItem;
  errors?: FieldError[];
}

/** A bad client option, named with the rule it breaks. Thrown by `createClient`. */
export class WaymarkOptionError extends Error {
  // Declared, not initialised, so no class-field helper ships in the script-tag bundle.
  declare readonly option: string;
  declare readonly rule: string;
  constructor(option: string, rule: string) {
    super(`option ${option} must be ${rule}`);
    this.name = 'WaymarkOptionError';
    (this as { option: string }).option = option;
    (this as { rule: string }).rule = rule;
  }
}
