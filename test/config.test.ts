// Unit tests of the serve configuration: defaults, environment, flags, and one-line usage errors.
import { describe, expect, it } from 'vitest';
import { parsePort, parseSize, resolveConfig, UsageError } from '../src/config.js';

describe('resolveConfig', () => {
  it('uses embedded defaults with no flags and no environment', () => {
    const config = resolveConfig({}, {});
    expect(config).toMatchObject({
      dir: './netroom-files',
      data: './netroom-data',
      host: '127.0.0.1',
      port: 8888,
      http: 8080,
      irc: 6667,
      ftp: 2121,
      lang: 'en',
      flood: { rate: 10, burst: 20 },
      noOverwrite: false,
      maxUpload: Infinity,
      logLevel: 'info',
    });
  });

  it('takes NETROOM_* variables, and flags over them', () => {
    const env = { NETROOM_PORT: '9000', NETROOM_LANG: 'zh', NETROOM_FLOOD: 'off', NETROOM_NO_OVERWRITE: '1', NETROOM_IRC: 'off' };
    const fromEnv = resolveConfig({}, env);
    expect(fromEnv).toMatchObject({ port: 9000, lang: 'zh', flood: null, noOverwrite: true, irc: null });
    const flagged = resolveConfig({ port: 'off', lang: 'en', flood: '5:5', maxUpload: '10M' }, env);
    expect(flagged).toMatchObject({ port: null, lang: 'en', flood: { rate: 5, burst: 5 }, maxUpload: 10 * 1024 * 1024 });
  });

  it('keeps a dropped WebSocket member 15 s by default; --leave-grace and NETROOM_LEAVE_GRACE change it, 0 turns it off', () => {
    expect(resolveConfig({}, {}).leaveGraceMs).toBe(15_000);
    expect(resolveConfig({}, { NETROOM_LEAVE_GRACE: '0' }).leaveGraceMs).toBe(0);
    expect(resolveConfig({ leaveGrace: '2500' }, { NETROOM_LEAVE_GRACE: '0' }).leaveGraceMs).toBe(2500);
    expect(() => resolveConfig({ leaveGrace: '-1' }, {})).toThrow(/--leave-grace takes a whole number from 0 to 600000/);
    expect(() => resolveConfig({ leaveGrace: '15s' }, {})).toThrow(UsageError);
  });

  it('takes --rooms and --irc-name, with defaults open and irc.netroom', () => {
    expect(resolveConfig({}, {})).toMatchObject({ rooms: 'open', ircName: 'irc.netroom' });
    expect(resolveConfig({ rooms: 'admin', ircName: 'My.Little.Server' }, {})).toMatchObject({ rooms: 'admin', ircName: 'My.Little.Server' });
    expect(resolveConfig({}, { NETROOM_ROOMS: 'admin', NETROOM_IRC_NAME: 'chat.example.org' })).toMatchObject({ rooms: 'admin', ircName: 'chat.example.org' });
  });

  it('reads --no-overwrite from commander as overwrite: false', () => {
    expect(resolveConfig({ overwrite: false }, {}).noOverwrite).toBe(true);
    expect(resolveConfig({ overwrite: true }, {}).noOverwrite).toBe(false);
  });

  it.each([
    [{ port: '70000' }, /--port takes a port number/],
    [{ port: 'abc' }, /--port/],
    [{ http: '-1' }, /--http/],
    [{ lang: 'fr' }, /--lang takes en or zh/],
    [{ flood: 'fast' }, /--flood takes RATE:BURST/],
    [{ flood: '0:5' }, /--flood needs a rate above 0/],
    [{ rooms: 'closed' }, /--rooms must be open or admin/],
    [{ ircName: 'nodot' }, /--irc-name must be a host name with a dot/],
    [{ ircName: 'a b.example' }, /--irc-name must be a host name/],
    [{ maxUpload: '12X' }, /--max-upload/],
    [{ logLevel: 'loud' }, /--log-level/],
    [{ host: 'a b' }, /--host/],
    [{ heartbeat: '5' }, /--heartbeat/],
    [{ dir: ' ' }, /--dir/],
  ])('refuses %o with a one-line UsageError', (flags, message) => {
    expect(() => resolveConfig(flags, {})).toThrow(UsageError);
    expect(() => resolveConfig(flags, {})).toThrow(message);
  });

  it('refuses a configuration with every door off, from flags or the environment', () => {
    const off = { http: 'off', irc: 'off', ftp: 'off', port: 'off' };
    expect(() => resolveConfig(off, {})).toThrow(UsageError);
    expect(() => resolveConfig(off, {})).toThrow('every door is off (--http, --irc, --ftp, --port): turn at least one on');
    const env = { NETROOM_HTTP: 'off', NETROOM_IRC: 'off', NETROOM_FTP: 'off', NETROOM_PORT: 'off' };
    expect(() => resolveConfig({}, env)).toThrow(/every door is off/);
    // One door left on is a working server.
    expect(resolveConfig({ ...off, irc: '0' }, {}).irc).toBe(0);
  });

  it('caps seed UDP members (2000 in all, 256 per address) and error replies (5:10); flags and NETROOM_UDP_* change them, bad values are refused', () => {
    expect(resolveConfig({}, {})).toMatchObject({ udpMaxMembers: 2000, udpMaxPerAddress: 256, udpErrorRate: { rate: 5, burst: 10 } });
    expect(resolveConfig({ udpMaxMembers: '10', udpMaxPerAddress: '3', udpErrorRate: '1:2' }, {})).toMatchObject({
      udpMaxMembers: 10,
      udpMaxPerAddress: 3,
      udpErrorRate: { rate: 1, burst: 2 },
    });
    expect(resolveConfig({}, { NETROOM_UDP_MAX_PER_ADDRESS: '500' }).udpMaxPerAddress).toBe(500);
    expect(() => resolveConfig({ udpMaxMembers: '0' }, {})).toThrow(/--udp-max-members/);
    expect(() => resolveConfig({ udpMaxPerAddress: 'many' }, {})).toThrow(/--udp-max-per-address/);
    expect(() => resolveConfig({ udpErrorRate: 'off' }, {})).toThrow(/--udp-error-rate takes RATE:BURST/);
  });

  it('takes --tls-cert and --tls-key together; --ircs defaults to 6697 with them and is off (and refused) without', () => {
    expect(resolveConfig({}, {})).toMatchObject({ tls: null, ircs: null });
    expect(resolveConfig({ tlsCert: 'c.pem', tlsKey: 'k.pem' }, {})).toMatchObject({ tls: { cert: 'c.pem', key: 'k.pem' }, ircs: 6697 });
    expect(resolveConfig({ ircs: 'off' }, { NETROOM_TLS_CERT: 'c.pem', NETROOM_TLS_KEY: 'k.pem' })).toMatchObject({ ircs: null });
    expect(resolveConfig({}, { NETROOM_TLS_CERT: 'c.pem', NETROOM_TLS_KEY: 'k.pem', NETROOM_IRCS: '7000' }).ircs).toBe(7000);
    expect(() => resolveConfig({ tlsCert: 'c.pem' }, {})).toThrow(/--tls-cert and --tls-key go together/);
    expect(() => resolveConfig({}, { NETROOM_TLS_KEY: 'k.pem' })).toThrow(/--tls-cert and --tls-key go together/);
    expect(() => resolveConfig({ ircs: '6697' }, {})).toThrow(/--ircs needs a certificate/);
    expect(() => resolveConfig({ tlsCert: 'c.pem', tlsKey: 'k.pem', ircs: 'x' }, {})).toThrow(/--ircs takes a port number/);
    // IRC over TLS alone is a door: the server is reachable.
    expect(resolveConfig({ tlsCert: 'c.pem', tlsKey: 'k.pem', http: 'off', irc: 'off', ftp: 'off', port: 'off' }, {}).ircs).toBe(6697);
  });

  it('--public-url: none by default; repeatable (serve joins with commas), NETROOM_PUBLIC_URL, kept as origins; bad ones refused', () => {
    expect(resolveConfig({}, {}).publicUrls).toEqual([]);
    expect(resolveConfig({ publicUrl: 'https://Chat.Example.org/netroom/,http://192.168.1.20:8080' }, {}).publicUrls).toEqual([
      'https://chat.example.org',
      'http://192.168.1.20:8080',
    ]);
    expect(resolveConfig({}, { NETROOM_PUBLIC_URL: 'https://chat.example.org:443' }).publicUrls).toEqual(['https://chat.example.org']);
    expect(() => resolveConfig({ publicUrl: 'chat.example.org' }, {})).toThrow(/--public-url takes an address/);
    expect(() => resolveConfig({ publicUrl: 'ftp://chat.example.org' }, {})).toThrow(/--public-url takes an http:\/\/ or https:\/\//);
    expect(() => resolveConfig({ publicUrl: 'https://user:pw@chat.example.org' }, {})).toThrow(/no user, \?query or #fragment/);
    expect(() => resolveConfig({ publicUrl: 'https://chat.example.org/?x=1' }, {})).toThrow(UsageError);
  });

  it('--ftp-require-tls (or NETROOM_FTP_REQUIRE_TLS=1) needs a certificate; off by default', () => {
    expect(resolveConfig({}, {}).ftpRequireTls).toBe(false);
    expect(resolveConfig({ ftpRequireTls: true, tlsCert: 'c.pem', tlsKey: 'k.pem' }, {}).ftpRequireTls).toBe(true);
    expect(resolveConfig({}, { NETROOM_FTP_REQUIRE_TLS: '1', NETROOM_TLS_CERT: 'c.pem', NETROOM_TLS_KEY: 'k.pem' }).ftpRequireTls).toBe(true);
    expect(() => resolveConfig({ ftpRequireTls: true }, {})).toThrow(/--ftp-require-tls needs a certificate/);
    expect(() => resolveConfig({}, { NETROOM_FTP_REQUIRE_TLS: 'maybe' })).toThrow(UsageError);
  });

  it('refuses a bad NETROOM_NO_OVERWRITE', () => {
    expect(() => resolveConfig({}, { NETROOM_NO_OVERWRITE: 'maybe' })).toThrow(/NETROOM_NO_OVERWRITE/);
  });
});

describe('parsePort and parseSize', () => {
  it('parses ports and off', () => {
    expect(parsePort('0', '--port')).toBe(0);
    expect(parsePort('65535', '--port')).toBe(65535);
    expect(parsePort('off', '--port')).toBeNull();
  });

  it('parses sizes with binary suffixes', () => {
    expect(parseSize('1024', '--max-upload')).toBe(1024);
    expect(parseSize('512K', '--max-upload')).toBe(512 * 1024);
    expect(parseSize('2G', '--max-upload')).toBe(2 * 1024 ** 3);
    expect(parseSize('3MiB', '--max-upload')).toBe(3 * 1024 ** 2);
    expect(parseSize('unlimited', '--max-upload')).toBe(Infinity);
  });
});

describe('--partial-budget and --partial-budget-per-address (issue 10, item 5)', () => {
  it('default auto (null), a size, 0 to keep nothing; env NETROOM_PARTIAL_BUDGET*, flags over it; bad values named', () => {
    expect(resolveConfig({}, {})).toMatchObject({ partialBudget: null, partialBudgetPerAddress: null });
    expect(resolveConfig({ partialBudget: '0' }, {})).toMatchObject({ partialBudget: 0 });
    const env = { NETROOM_PARTIAL_BUDGET: '2G', NETROOM_PARTIAL_BUDGET_PER_ADDRESS: '100M' };
    expect(resolveConfig({}, env)).toMatchObject({ partialBudget: 2 * 1024 ** 3, partialBudgetPerAddress: 100 * 1024 ** 2 });
    expect(resolveConfig({ partialBudget: 'auto' }, env)).toMatchObject({ partialBudget: null });
    expect(() => resolveConfig({ partialBudget: 'lots' }, {})).toThrow(/--partial-budget takes a size/);
    expect(() => resolveConfig({ partialBudgetPerAddress: '-1' }, {})).toThrow(/--partial-budget-per-address/);
  });
});
