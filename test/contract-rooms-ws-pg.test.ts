// The rooms and direct-messages contract from the WebSocket door on the networked engines (PostgreSQL + Redis), one node.
// From IRC and UDP the networked engines are covered by the two-node files (contract-rooms-*-nodes), whose cases put
// clients on the same node too: running them again on one node would double the time for little more.
import { roomsContract } from './contract/rooms-contract.js';

roomsContract('ws', 'networked');
