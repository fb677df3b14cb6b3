// The rooms and direct-messages contract from the UDP door on two nodes of one cluster (PostgreSQL + Redis), the clients of each case alternating between the nodes.
import { roomsContract } from './contract/rooms-contract.js';

roomsContract('udp', 'two-nodes');
