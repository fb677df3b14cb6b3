// The rooms and direct-messages contract from the UDP door: its own cases and udp -> every door, on one server.
import { roomsContract } from './contract/rooms-contract.js';

roomsContract('udp');
