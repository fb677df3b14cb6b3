// MOTD: the message of the day again (375/372/376, or 422).
import { sendMotd } from '../welcome.js';
import { command } from './types.js';

export const MOTD = command((hub, session) => sendMotd(hub, session));
