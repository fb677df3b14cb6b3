// Where `netroom login` keeps tokens: the path (XDG_CONFIG_HOME or ~/.config), origins, modes, several servers, a damaged file.
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loginFor, loginsFile, originOf, readLogins, removeLogin, saveLogin, tokenFor } from '../src/client/logins.js';

describe('the stored sign-ins', () => {
  it('live under XDG_CONFIG_HOME when it is absolute, else ~/.config', () => {
    expect(loginsFile({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/a' })).toBe('/x/cfg/netroom/credentials.json');
    expect(loginsFile({ XDG_CONFIG_HOME: 'relative', HOME: '/home/a' })).toBe('/home/a/.config/netroom/credentials.json');
    expect(loginsFile({ HOME: '/home/a' })).toBe('/home/a/.config/netroom/credentials.json');
  });

  it('are keyed by origin: a path, a default port and the WebSocket URL of a server are the same server', () => {
    expect(originOf('http://h:8080/docs/a.txt')).toBe('http://h:8080');
    expect(originOf('ws://h:8080/ws')).toBe('http://h:8080');
    expect(originOf('wss://chat.example.org:443/ws')).toBe('https://chat.example.org');
    expect(originOf('https://chat.example.org/')).toBe('https://chat.example.org');
  });

  it('keep one token per server in a 0600 file in a 0700 folder; --token and NETROOM_TOKEN win; logout removes one', async () => {
    const config = await fs.mkdtemp(path.join(tmpdir(), 'netroom-logins-'));
    const env = { XDG_CONFIG_HOME: config };
    await saveLogin('http://a:8080', { url: 'http://a:8080', token: 'nrt_a', account: 'ann' }, env);
    const file = await saveLogin(new URL('https://b.example/'), { url: 'https://b.example', token: 'nrt_b' }, env);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect(Object.keys(await readLogins(env))).toEqual(['http://a:8080', 'https://b.example']);
    expect(await loginFor('ws://a:8080/ws', env)).toMatchObject({ token: 'nrt_a', account: 'ann' });
    expect(await tokenFor('http://a:8080/x', undefined, env)).toMatchObject({ token: 'nrt_a', source: 'login' });
    expect(await tokenFor('http://a:8080/x', undefined, { ...env, NETROOM_TOKEN: 'nrt_env' })).toMatchObject({ token: 'nrt_env', source: 'env' });
    expect(await tokenFor('http://a:8080/x', 'nrt_flag', { ...env, NETROOM_TOKEN: 'nrt_env' })).toMatchObject({ token: 'nrt_flag', source: 'flag' });
    expect(await tokenFor('http://c:8080', undefined, env)).toBeUndefined();
    expect(await removeLogin('http://a:8080', env)).toMatchObject({ token: 'nrt_a' });
    expect(Object.keys(await readLogins(env))).toEqual(['https://b.example']);
    // No temp files left behind.
    expect(await fs.readdir(path.dirname(file))).toEqual(['credentials.json']);
    await fs.writeFile(file, '{not json');
    await expect(readLogins(env)).rejects.toThrow(/credentials\.json is damaged .*: remove it and run netroom login again/u);
    await fs.rm(config, { recursive: true, force: true });
  });
});
