// Passwords asked on a terminal (no echo, twice, backspace, Ctrl-C) and read from stdin, with a fake TTY stream.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askLine, getNewPassword, getPassword, readFirstLine, type SecretIO } from '../src/cli/secret-input.js';
import { Screen } from './helpers/netroom.js';

/** A stream that says it is a terminal, recording raw mode as the code sets it. */
function fakeTty(): PassThrough & { isTTY: true; isRaw: boolean; setRawMode: (on: boolean) => void; modes: boolean[] } {
  const stream = new PassThrough() as PassThrough & { isTTY: true; isRaw: boolean; setRawMode: (on: boolean) => void; modes: boolean[] };
  stream.isTTY = true;
  stream.isRaw = false;
  stream.modes = [];
  stream.setRawMode = (on: boolean) => {
    stream.isRaw = on;
    stream.modes.push(on);
  };
  return stream;
}

function terminal(): { io: SecretIO; tty: ReturnType<typeof fakeTty>; screen: Screen } {
  const tty = fakeTty();
  const screen = new Screen();
  return { io: { input: tty, prompts: screen.stream }, tty, screen };
}

describe('passwords on a terminal', () => {
  it('asks twice without echo, honours backspace, and leaves raw mode as it found it', async () => {
    const { io, tty, screen } = terminal();
    const asked = getNewPassword(io, false, 'ann');
    await screen.waitFor('new password for ann: ');
    tty.write('secret-pa\u007fass\r');
    await screen.waitFor('the same again: ');
    tty.write('secret-pass\n');
    expect(await asked).toBe('secret-pass');
    expect(screen.text).toBe('new password for ann: \nthe same again: \n');
    expect(tty.modes).toEqual([true, false, true, false]);
  });

  it('two different entries change nothing; Ctrl-C cancels', async () => {
    const { io, tty, screen } = terminal();
    const differ = getNewPassword(io, false, 'ann');
    await screen.waitFor('new password for ann: ');
    tty.write('first-password\r');
    await screen.waitFor('the same again: ');
    tty.write('other-password\r');
    await expect(differ).rejects.toThrow('the two passwords differ: nothing changed');
    const cancelled = getPassword(io, false);
    await screen.waitFor('password: ');
    tty.write('abc\u0003');
    await expect(cancelled).rejects.toThrow('cancelled');
    expect(tty.isRaw).toBe(false);
  });

  it('a name is echoed as typed', async () => {
    const { io, tty, screen } = terminal();
    const name = askLine(io, 'name: ', true);
    tty.write('annx\u007f\r');
    expect(await name).toBe('ann');
    expect(screen.text).toBe('name: annx\b \b\n');
  });

  it('without a terminal it needs --password-stdin; with it, the first line is the password, spaces kept', async () => {
    const pipe = new PassThrough();
    await expect(getNewPassword({ input: pipe, prompts: new PassThrough() }, false, 'ann')).rejects.toMatchObject({ usage: true });
    pipe.end('  with spaces  \r\nsecond line\n');
    expect(await getNewPassword({ input: pipe, prompts: new PassThrough() }, true, 'ann')).toBe('  with spaces  ');
    const none = new PassThrough();
    none.end('');
    expect(await readFirstLine(none)).toBe('');
  });
});
