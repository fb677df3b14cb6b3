// Test helper: the NetroomError code a promise rejects with.
import { expect } from 'vitest';
import { NetroomError, type ErrorCode } from '../../src/core/errors.js';

/** The code a promise rejects with (a NetroomError), or undefined when it resolves. */
export async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(NetroomError);
    return (err as NetroomError).code;
  }
}
