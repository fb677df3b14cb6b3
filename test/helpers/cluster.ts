// Test fixtures for several netroom nodes as one server: in-process servers on one PostgreSQL and one Redis, a shared library.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type RawOptions } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { NetroomServer, type DoorStatus } from '../../src/server.js';
import { startPostgres, type TestPostgres } from './postgres.js';
import { startRedis, type TestRedis } from './redis.js';

/** One node: its server and the ports its doors listen on. */
export interface TestNode {
  readonly server: NetroomServer;
  readonly irc: number;
  readonly http: number;
  /** The seed UDP/TCP port. */
  readonly seed: number;
  /** The FTP door's port, when the cluster turned it on (`{ ftp: '0' }`). */
  readonly ftp: number | null;
  readonly data: string;
}

/** Several nodes on one database and one Redis, sharing one library folder. */
export interface TestCluster {
  readonly nodes: TestNode[];
  readonly database: string;
  readonly redis: TestRedis;
  readonly dir: string;
  /** Start one more node on the same engines and library. */
  add(extra?: RawOptions): Promise<TestNode>;
  /** Stop every node (and the engines when the cluster started them). */
  close(): Promise<void>;
}

function portOf(statuses: readonly DoorStatus[], door: string): number {
  const status = statuses.find((s) => s.door === door);
  if (status?.state !== 'listening') throw new Error(`the ${door} door is not listening`);
  return status.address.port;
}

/** Engines shared by the tests of one file: a PostgreSQL server (a fresh database per cluster) and a Redis per cluster. */
export interface ClusterEngines {
  readonly pg: TestPostgres;
  start(nodes: number, extra?: RawOptions): Promise<TestCluster>;
  stop(): Promise<void>;
}

export async function clusterEngines(): Promise<ClusterEngines> {
  const pg = await startPostgres();
  const open: TestCluster[] = [];
  return {
    pg,
    async start(count, extra = {}) {
      const database = await pg.newDatabase();
      const redis = await startRedis();
      const top = await mkdtemp(join(tmpdir(), 'netroom-cluster-'));
      const dir = join(top, 'library');
      await mkdir(dir);
      const nodes: TestNode[] = [];
      const add = async (more: RawOptions = {}): Promise<TestNode> => {
        const data = join(top, `data-${nodes.length + 1}`);
        const config = resolveConfig(
          { port: '0', http: '0', irc: '0', ftp: 'off', dir, data, logLevel: 'silent', database, redis: redis.url, flood: 'off', ...extra, ...more },
          {},
        );
        const server = new NetroomServer(config, createLogger('silent'));
        const statuses = await server.start();
        const ftp = statuses.some((s) => s.door === 'ftp' && s.state === 'listening') ? portOf(statuses, 'ftp') : null;
        const node = { server, irc: portOf(statuses, 'irc'), http: portOf(statuses, 'http'), seed: portOf(statuses, 'udp'), ftp, data };
        nodes.push(node);
        return node;
      };
      for (let i = 0; i < count; i++) await add();
      const cluster: TestCluster = {
        nodes,
        database,
        redis,
        dir,
        add,
        async close() {
          await Promise.all(nodes.map((n) => n.server.stop()));
          await redis.stop();
          await rm(top, { recursive: true, force: true });
        },
      };
      open.push(cluster);
      return cluster;
    },
    async stop() {
      for (const cluster of open.splice(0)) await cluster.close().catch(() => undefined);
      await pg.stop();
    },
  };
}
