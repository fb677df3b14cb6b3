// TEMPORARY (deleted once src/server.ts wires the HTTP door): the doors composed by hand, like NetroomServer.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../src/config.js';
import { Library } from '../../src/core/library.js';
import { Room } from '../../src/core/room.js';
import type { Door, DoorContext } from '../../src/doors/door.js';
import { HttpDoor } from '../../src/doors/http/door.js';
import { UdpDoor } from '../../src/doors/udp/door.js';
import { wsPlugin } from '../../src/doors/ws/plugin.js';
import { silentLogger } from '../../src/log.js';
import { SqliteHistory } from '../../src/store/sqlite.js';

export class ComposedServer {
  readonly room: Room;
  private readonly doors: Door[] = [];
  private history: SqliteHistory | undefined;
  constructor(private readonly config: Config) {
    this.room = new Room({ flood: config.flood });
  }
  async start(): Promise<Array<{ door: string; state: 'listening'; address: { port: number } }>> {
    const library = new Library(this.config.dir, { maxUpload: this.config.maxUpload });
    await library.init();
    const history = SqliteHistory.open(this.config.data);
    this.history = history;
    this.room.subscribe((e) => history.append(e));
    const ctx: DoorContext = { room: this.room, library, lang: this.config.lang, log: silentLogger(), history };
    const webRoot = fileURLToPath(new URL('../../dist/web', import.meta.url));
    const http = new HttpDoor(ctx, { host: '127.0.0.1', port: this.config.http ?? 0, adminToken: 'x', webRoot: path.resolve(webRoot), plugins: [wsPlugin(ctx)] });
    const udp = new UdpDoor(ctx, { host: '127.0.0.1', port: 0 });
    this.doors.push(http, udp);
    await http.listen();
    await udp.listen();
    return [
      { door: 'http', state: 'listening', address: { port: http.address().port } },
      { door: 'udp', state: 'listening', address: { port: udp.address().port } },
    ];
  }
  announce(text: string): void {
    this.room.announce(text);
  }
  async stop(): Promise<void> {
    this.room.close();
    await Promise.all(this.doors.map((d) => d.close()));
    this.history?.close();
  }
}
