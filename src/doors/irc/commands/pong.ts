// PONG: the answer to our keepalive PING; any line counts as activity, so there is nothing more to do.
import { command } from './types.js';

export const PONG = command(() => undefined, { beforeRegistration: true });
