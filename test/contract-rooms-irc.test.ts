// The rooms and direct-messages contract from the IRC door: its own cases and irc -> every door, on one server.
import { roomsContract } from './contract/rooms-contract.js';

roomsContract('irc');
