// Shares the failed sign-in counts between nodes, so guessing a password spread over several nodes is counted as one.
import type { SignInLimiter } from '../../core/access/sign-in-limit.js';
import type { Bus } from '../bus/bus.js';

interface SignInNotice {
  readonly op: 'sign-in';
  readonly outcome: 'failed' | 'succeeded';
  readonly account: string;
  readonly address: string;
}

function isNotice(body: unknown): body is SignInNotice {
  const b = body as Partial<SignInNotice> | null;
  return b?.op === 'sign-in' && (b.outcome === 'failed' || b.outcome === 'succeeded') && typeof b.account === 'string' && typeof b.address === 'string';
}

/**
 * Each node counts its own failures and tells the others (control channel), who count them too:
 * every node refuses after the same number of failures in all. Returns the unlink function.
 */
export function linkSignInLimits(limiter: SignInLimiter, bus: Bus): () => void {
  const unobserve = limiter.observe((outcome, account, address) => {
    bus.publish('control', { op: 'sign-in', outcome, account, address } satisfies SignInNotice);
  });
  const unsubscribe = bus.subscribe('control', (body) => {
    if (isNotice(body)) limiter.heard(body.outcome, body.account, body.address);
  });
  return () => {
    unobserve();
    unsubscribe();
  };
}
