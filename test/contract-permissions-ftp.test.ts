// The permission contract on the ftp door: every role x file operation x owner, under --guests on, read and off.
import { permissionsContract } from './contract/permissions-contract.js';

permissionsContract('ftp');
