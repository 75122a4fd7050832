export * from './client';
export * from './errors';
export * from './types';
export { normalizeTimestamp } from './normalize';
