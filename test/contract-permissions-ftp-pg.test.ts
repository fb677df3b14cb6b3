// The permission contract on the ftp door with the accounts on PostgreSQL (and Redis as the bus): every role x file operation x owner, under --guests on, read and off.
// (Not repeated for the seed file door: it has guests only, so the access store decides nothing there but --guests off.)
import { permissionsContract } from './contract/permissions-contract.js';

permissionsContract('ftp', 'networked');
