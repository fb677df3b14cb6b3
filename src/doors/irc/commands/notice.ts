// NOTICE: like PRIVMSG, but never answered with an error (RFC 2812 3.3.2); `$*` from an operator is an announcement.
export { NOTICE } from './speak.js';
