import { LinliError } from '@linli/contracts';

/** The LinliError a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function errorOf(promise: Promise<unknown>): Promise<LinliError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LinliError) return error;
    throw error;
  }
  throw new Error('expected a LinliError, but the promise resolved');
}

/** The error code a promise rejects with (see {@link errorOf}). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  return (await errorOf(promise)).code;
}

/** The error code a synchronous call throws; fails the test when it returns or throws anything else. */
export function codeOfCall(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof LinliError) return error.code;
    throw error;
  }
  throw new Error('expected a LinliError, but the call returned');
}

/** 'fulfilled' or the error code of a settled promise (anything but a LinliError as its message). */
export function settledCode(result: PromiseSettledResult<unknown>): string {
  if (result.status === 'fulfilled') return 'fulfilled';
  return result.reason instanceof LinliError ? result.reason.code : String(result.reason);
}
