// LUSERS: how many are connected (every door) and how many rooms exist (251/252/254/255).
import { sendLusers } from '../welcome.js';
import { command } from './types.js';

export const LUSERS = command((hub, session) => sendLusers(hub, session));
