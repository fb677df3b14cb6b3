// The rooms and direct-messages contract from the WebSocket door on two nodes of one cluster (PostgreSQL + Redis), the clients of each case alternating between the nodes.
import { roomsContract } from './contract/rooms-contract.js';

roomsContract('ws', 'two-nodes');
