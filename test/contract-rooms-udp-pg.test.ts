// The rooms and direct-messages contract from the UDP door on the networked engines (PostgreSQL + Redis), one node.
import { roomsContract } from './contract/rooms-contract.js';

roomsContract('udp', 'networked');
