// TAGMSG (IRCv3 message-tags): tags only, e.g. typing notifications; the room has nothing to carry them, so ignored.
import { command } from './types.js';

export const TAGMSG = command(() => undefined);
