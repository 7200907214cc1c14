import type { SdkRetryOptions } from './readExecutorState';

/**
 * The wait before retry number `failures` (1 = after the first failure), as DurableTask.Core's
 * `RetryOptions` computes it: first interval times backoff coefficient^(failures-1), capped.
 */
export function retryDelayMs(options: SdkRetryOptions, failures: number): number {
  const coefficient = options.backoffCoefficient && options.backoffCoefficient > 0 ? options.backoffCoefficient : 1;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(coefficient, Math.max(0, failures - 1));
  const cap =
    options.maxRetryIntervalInMilliseconds && options.maxRetryIntervalInMilliseconds > 0 ? options.maxRetryIntervalInMilliseconds : Number.MAX_SAFE_INTEGER;
  return Math.min(delay, cap);
}
