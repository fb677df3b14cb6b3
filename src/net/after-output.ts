// Work that can wait until this turn's network output has left: a door flushes its sockets, then runs it, before it reads more.

/** A deferred task; `inputWaiting` says whether the door that ran it still has input to read (a burst is under way). */
export type OutputTask = (inputWaiting: boolean) => void;

let tasks: OutputTask[] = [];
/** The fallback run when no door flushes: two hops, so a door's flush queued in this turn goes first. */
let fallback: NodeJS.Immediate | null = null;
let fallbackArmed = false;

/**
 * Run `task` once this turn's output is on its way (a commit of history rows, say). A door that
 * batches its writes per turn calls {@link runAfterOutput} right after its flush; without one, the
 * task runs in the second check phase from now, which is after any flush queued in this turn.
 * Either way it runs before the next input is read, so deferred work never piles up. A task must
 * not throw (it runs inside the door's flush): it handles its own errors.
 */
export function afterOutput(task: OutputTask): void {
  tasks.push(task);
  if (fallback === null) {
    fallbackArmed = false;
    fallback = setImmediate(secondHop);
  }
}

/**
 * Run what {@link afterOutput} queued; a door calls this right after flushing its sockets, saying
 * whether input is still waiting to be read (false when it cannot tell).
 */
export function runAfterOutput(inputWaiting: boolean): void {
  if (tasks.length === 0) return;
  const now = tasks;
  tasks = [];
  if (fallback !== null) {
    clearImmediate(fallback);
    fallback = null;
  }
  for (let i = 0; i < now.length; i++) (now[i] as OutputTask)(inputWaiting);
}

function secondHop(): void {
  if (!fallbackArmed) {
    fallbackArmed = true;
    fallback = setImmediate(secondHop);
    return;
  }
  fallback = null;
  runAfterOutput(false);
}
