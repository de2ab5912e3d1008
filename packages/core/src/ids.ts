import { v7 } from 'uuid';

/**
 * A new id: uuid v7, time-ordered, so ids sort in creation order (the buffer restores
 * its queue by them) and the collector's unique index grows at its end.
 */
export const newId = (): string => v7();
