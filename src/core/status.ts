/** Statuses of both APIs. Anything unknown counts as in progress until the build has a finish time. */
export const IN_PROGRESS_STATUSES = [
  'initializing',
  'queued',
  'preparing',
  'fetching',
  'testing',
  'building',
  'publishing',
  'finishing',
] as const;
export const FINAL_STATUSES = ['finished', 'failed', 'canceled', 'timeout', 'skipped', 'warning'] as const;

const FINAL = new Set<string>(FINAL_STATUSES);
const KNOWN = new Set<string>([...IN_PROGRESS_STATUSES, ...FINAL_STATUSES]);

export function isFinal(b: { status: string; finishedAt?: string }): boolean {
  if (FINAL.has(b.status)) return true;
  return !KNOWN.has(b.status) && !!b.finishedAt;
}

/** Did it end badly? (failed, timeout, canceled) */
export function isFailure(status: string): boolean {
  return status === 'failed' || status === 'timeout' || status === 'canceled';
}

export function statusLabel(status: string): string {
  if (status === 'canceled') return 'canceled';
  if (status === 'warning') return 'finished with warnings';
  return status || 'unknown';
}
