// Work that can wait until this turn's network output has left: a door flushes its sockets, then runs it, before it reads more.

/** A deferred task; `inputWaiting` says whether the door that ran it still has input to read (a burst is under way). */
export type OutputTask = (inputWaiting: boolean) => void;

let tasks: OutputTask[] = [];
/** The fallback run when no door flushes: two hops, so a door's flush queued in this turn goes first. */
let fallback: NodeJS.Immediate | null = null;
let fallbackArmed = false;

/**
 * Run `task` once this turn's output is on its way (a commit of history rows, say). The IRC door,
 * which meters its input, calls {@link runAfterOutput} right after its flush, before it reads
 * more, and says whether input is still waiting. Otherwise the task runs in the second check phase
 * from now: after any flush queued in this turn (the WebSocket door's), and it is told false. A
 * task must not throw (it may run inside a door's flush): it handles its own errors.
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
