// The rooms and direct-messages contract from the IRC door on the networked engines (PostgreSQL + Redis), one node.
import { roomsContract } from './contract/rooms-contract.js';

roomsContract('irc', 'networked');
