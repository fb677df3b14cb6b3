// Composes the core and the doors from a validated Config; start() listens, stop() closes everything.
import type { Config } from './config.js';
import { Library } from './core/library.js';
import { Room } from './core/room.js';
import type { Door, DoorAddress, DoorContext } from './doors/door.js';
import { SeedFilesDoor } from './doors/seedfiles/door.js';
import { UdpDoor } from './doors/udp/door.js';
import type { Logger } from './log.js';

/** How each door of SPEC section 3 stands after start(): listening, turned off, or not built yet. */
export type DoorStatus =
  | { readonly door: string; readonly state: 'listening'; readonly address: DoorAddress }
  | { readonly door: string; readonly state: 'off' }
  | { readonly door: string; readonly state: 'not-built'; readonly port: number };

/** One netroom server: one room, one library, every configured door. */
export class NetroomServer {
  readonly room: Room;
  readonly library: Library;
  private readonly doors: Door[] = [];
  private stopping: Promise<void> | undefined;

  constructor(
    readonly config: Config,
    private readonly log: Logger,
  ) {
    this.room = new Room({
      flood: config.flood,
      onListenerError: (err) => log.error({ err }, 'room listener failed'),
    });
    this.library = new Library(config.dir, { noOverwrite: config.noOverwrite, maxUpload: config.maxUpload });
  }

  /** Prepare the library and open every door; on failure, closes what was opened and rethrows. */
  async start(): Promise<DoorStatus[]> {
    await this.library.init();
    const ctx: DoorContext = { room: this.room, library: this.library, lang: this.config.lang, log: this.log };
    const { host, port, heartbeatMs } = this.config;
    const statuses: DoorStatus[] = [];
    if (port === null) {
      statuses.push({ door: 'udp', state: 'off' }, { door: 'seed-files', state: 'off' });
    } else {
      this.doors.push(new UdpDoor(ctx, { host, port, heartbeatMs }));
      // Same port number, two protocols, as in the seeds. With port 0 each door picks its own free port.
      this.doors.push(new SeedFilesDoor(ctx, { host, port }));
    }
    try {
      for (const door of this.doors) {
        await door.listen().catch((err: unknown) => {
          throw new Error(`${door.name} door could not listen on ${host}:${String(port)}: ${describe(err)}`);
        });
        statuses.push({ door: door.name, state: 'listening', address: door.address() });
      }
    } catch (err) {
      await this.closeDoors();
      throw err;
    }
    for (const [name, value] of [
      ['http', this.config.http],
      ['irc', this.config.irc],
      ['ftp', this.config.ftp],
    ] as const) {
      statuses.push(value === null ? { door: name, state: 'off' } : { door: name, state: 'not-built', port: value });
    }
    return statuses;
  }

  /** An administrator announcement to every member of every door. */
  announce(text: string): void {
    this.room.announce(text);
  }

  /** Tell members the server is closing, then close every door. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.room.close();
      await this.closeDoors();
    })();
    return this.stopping;
  }

  private async closeDoors(): Promise<void> {
    const results = await Promise.allSettled(this.doors.map((door) => door.close()));
    for (const result of results) {
      if (result.status === 'rejected') this.log.error({ err: result.reason as unknown }, 'door failed to close');
    }
  }
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return 'the port is in use';
  if (code === 'EACCES') return 'permission denied (ports below 1024 need privileges)';
  if (code === 'EADDRNOTAVAIL') return 'that address is not on this machine';
  return err instanceof Error ? err.message : String(err);
}
