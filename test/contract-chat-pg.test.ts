// The chat contract suite against the WebSocket, IRC and UDP doors of a whole server on the networked engines (PostgreSQL + Redis).
import { chatContract } from './contract/chat-contract.js';
import { IRC_CAPABILITIES } from './contract/chat-irc.js';
import { serverHarness } from './contract/chat-server.js';
import { UDP_CAPABILITIES } from './contract/chat-udp.js';
import { ENGINE_TITLE, engineOptions } from './contract/engine.js';

// One PostgreSQL and one redis-server for the file; each case gets a fresh database and an emptied Redis.
const engines = engineOptions('networked');

chatContract(`WebSocket door${ENGINE_TITLE.networked}`, serverHarness('ws', engines));
chatContract(`IRC door${ENGINE_TITLE.networked}`, serverHarness('irc', engines), IRC_CAPABILITIES);
chatContract(`UDP door${ENGINE_TITLE.networked}`, serverHarness('udp', engines), UDP_CAPABILITIES);
