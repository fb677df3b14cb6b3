// The FTP session's types: its options, what a door's sessions share, data setups and transfer records.
import type { Continuations } from '../../core/append.js';
import type { TlsSource } from '../../tls/source.js';
import type { DoorContext } from '../door.js';
import type { BufferPool } from '../send-file.js';
import type { HostPort } from './codec.js';
import type { DiscardLimits } from './discard.js';
import type { PassiveListener, PassivePool } from './passive.js';

/** Per-connection settings; the door fills in the defaults. */
export interface SessionOptions {
  readonly anonymous: 'read' | 'write' | 'off';
  /** No command for this long (and no transfer running): 421 and close. */
  readonly idleTimeoutMs: number;
  /** Not logged in this long after connecting: 421 and close (a connection that never logs in holds a slot for nothing). */
  readonly loginTimeoutMs: number;
  /** Waiting for a data connection, or a transfer without progress, for this long: 425/426. */
  readonly dataTimeoutMs: number;
  /** IPv4 address PASV advertises (NAT); null: the control connection's own local address. */
  readonly publicHost: string | null;
  /** How much of an upload refused mid-transfer is read to its end before it is cut instead. */
  readonly discard: DiscardLimits;
  /** The server's certificate for AUTH TLS (RFC 4217); null: AUTH is answered 502 and FEAT does not offer it. */
  readonly tls: TlsSource | null;
  /** Login and clear (PROT C) data connections are refused until the control connection is TLS. */
  readonly requireTls: boolean;
}

/** How a transfer ended, reported to the door's listeners (tests synchronise on it). */
export interface TransferRecord {
  readonly verb: string;
  readonly path: string;
  readonly bytes: number;
  /** complete; aborted (ABOR, client gone, timeout); failed (server side); kept (upload dropped, its bytes kept). */
  readonly outcome: 'complete' | 'aborted' | 'failed' | 'kept';
  readonly code: number;
  /** Data connections under PROT P only: whether the client resumed the control connection's TLS session (what vsftpd's require_ssl_reuse checks). */
  readonly tlsResumed?: boolean;
}

/** What every session of one door shares. */
export interface SessionShared {
  readonly ctx: DoorContext;
  readonly options: SessionOptions;
  readonly pool: PassivePool;
  /** Read buffers of the binary downloads in progress (RETR in TYPE I). */
  readonly buffers: BufferPool;
  readonly continuations: Continuations;
  readonly report: (record: TransferRecord) => void;
}

/** Where the next transfer's data connection comes from (RFC 959 3.2): a passive listener, or the client's port. */
export type DataSetup = { readonly kind: 'passive'; readonly listener: PassiveListener } | { readonly kind: 'active'; readonly endpoint: HostPort };

/** The transfer in progress, for ABOR and STAT while it runs. */
export interface RunningTransfer {
  readonly verb: string;
  readonly path: string;
  bytes(): number;
  abort(reason: string): void;
}
