// The rooms and direct-messages contract from the WebSocket door: its own cases and ws -> every door, on one server.
import { roomsContract } from './contract/rooms-contract.js';

roomsContract('ws');
