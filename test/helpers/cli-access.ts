// Fixtures for the account CLI tests: a real server with an access store in temp folders, and the built CLI run with its own environment.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chatUrl } from '../../src/client/http.js';
import { WsChatClient, type Welcome } from '../../src/client/ws.js';
import { resolveConfig, type RawOptions } from '../../src/config.js';
import type { ChatEvent } from '../../src/core/chat/types.js';
import { createLogger } from '../../src/log.js';
import { NetroomServer } from '../../src/server.js';
import { CLI } from './cli.js';

/** A running server and the folders around it. */
export interface AccessRig {
  readonly server: NetroomServer;
  /** `http://127.0.0.1:PORT`. */
  readonly base: string;
  readonly data: string;
  readonly root: string;
  /** A scratch folder: local files, the config folder (XDG_CONFIG_HOME). */
  readonly local: string;
  readonly config: string;
  /** Chat events seen since the start. */
  readonly events: ChatEvent[];
  close(): Promise<void>;
}

/** Start a server (HTTP door with WebSocket chat, access store in DATA) on 127.0.0.1 port 0. */
export async function startAccessRig(flags: RawOptions = {}): Promise<AccessRig> {
  const top = await fs.mkdtemp(path.join(tmpdir(), 'netroom-cli-access-'));
  const data = path.join(top, 'data');
  const root = path.join(top, 'files');
  const local = path.join(top, 'local');
  const config = path.join(top, 'config');
  await fs.mkdir(local);
  const server = new NetroomServer(resolveConfig({ port: 'off', http: '0', irc: 'off', ftp: 'off', dir: root, data, logLevel: 'silent', ...flags }, {}), createLogger('silent'));
  const statuses = await server.start();
  const http = statuses.find((s) => s.door === 'http');
  if (http?.state !== 'listening') throw new Error('no HTTP door');
  const events: ChatEvent[] = [];
  server.chat.subscribe((e) => events.push(e));
  return {
    server,
    base: `http://127.0.0.1:${http.address.port}`,
    data,
    root,
    local,
    config,
    events,
    async close() {
      await server.stop();
      await fs.rm(top, { recursive: true, force: true });
    },
  };
}

/** What a finished CLI run left. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the built CLI with `input` on stdin; the environment has no NETROOM_* and the given extras (XDG_CONFIG_HOME, ...). */
export async function cli(args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliRun> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('NETROOM_')));
  const child = spawn(process.execPath, [CLI, ...args], { stdio: 'pipe', env: { ...env, ...options.env }, ...(options.cwd !== undefined && { cwd: options.cwd }) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(options.input ?? '');
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** A WebSocket chat member: signed in with `token`, or a guest called `name`. */
export async function wsMember(rig: AccessRig, who: { token: string } | { name: string }): Promise<{ client: WsChatClient; welcome: Welcome }> {
  const client = new WsChatClient({ url: chatUrl(rig.base), reconnect: false, pingIntervalMs: 0, ...('token' in who && { token: who.token }) });
  await client.connect();
  const welcome = await client.enter('name' in who ? who.name : undefined);
  return { client, welcome };
}

/** Resolves with the next event of `kind` (already seen from `from` on, or still to come). */
export function nextEvent<K extends ChatEvent['kind']>(rig: AccessRig, kind: K, match: (e: Extract<ChatEvent, { kind: K }>) => boolean = () => true, from = 0): Promise<Extract<ChatEvent, { kind: K }>> {
  const found = rig.events.slice(from).find((e): e is Extract<ChatEvent, { kind: K }> => e.kind === kind && match(e as Extract<ChatEvent, { kind: K }>));
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const stop = rig.server.chat.subscribe((e) => {
      if (e.kind === kind && match(e as Extract<ChatEvent, { kind: K }>)) {
        stop();
        resolve(e as Extract<ChatEvent, { kind: K }>);
      }
    });
  });
}
