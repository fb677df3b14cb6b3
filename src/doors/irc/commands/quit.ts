// QUIT: ERROR :Closing link to the client, then the member leaves the room (other IRC clients see the text).
import { command } from './types.js';

/** Longest quit text relayed (the QUIT line with its source must stay under 512 bytes). */
const QUIT_LENGTH = 300;

export const QUIT = command(
  (hub, session, message) => {
    // eslint-disable-next-line no-control-regex -- control characters are not relayed to others
    const said = [...(message.params[0] ?? '').replace(/[\x00-\x1f\x7f]/gu, '')].slice(0, QUIT_LENGTH).join('').trim();
    hub.drop(session, said === '' ? 'Quit' : `Quit: ${said}`, 'quit');
  },
  { beforeRegistration: true },
);
