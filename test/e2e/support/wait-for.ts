import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Checked on every round so a crashed process fails fast instead of timing out. */
  abortWhen?: () => Error | undefined;
}

/** Polls `probe` until it returns something other than undefined. */
export async function waitFor<T>(
  description: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs, intervalMs = 250, abortWhen }: WaitForOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const abortReason = abortWhen?.();
    if (abortReason) throw abortReason;
    try {
      const result = await probe();
      if (result !== undefined) return result;
    } catch (error: unknown) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${detail}`);
}
