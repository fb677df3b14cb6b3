// PASS: accepted and ignored before registration (the room has no connection password; OPER is for the admin).
import { ERR } from '../numerics.js';
import { command } from './types.js';

export const PASS = command(
  (_hub, session) => {
    if (session.member) session.reply(ERR.ALREADYREGISTERED, 'You may not reregister');
  },
  { minParams: 1, beforeRegistration: true },
);
