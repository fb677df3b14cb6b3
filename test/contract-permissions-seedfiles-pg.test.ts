// The permission contract on the seedfiles door with the accounts on PostgreSQL (and Redis as the bus): every role x file operation x owner, under --guests on, read and off.
import { permissionsContract } from './contract/permissions-contract.js';

permissionsContract('seedfiles', 'networked');
