// The interactive clients' terminal: after input has closed, no prompt is drawn (Node 24 throws ERR_USE_AFTER_CLOSE from a closed readline).
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ChatTerminal } from '../src/cli/terminal.js';

describe('ChatTerminal after its input has ended', () => {
  it('prints notices but never prompts or redraws, and closes twice without harm', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let out = '';
    output.on('data', (d: Buffer) => (out += d.toString()));
    const screen = new ChatTerminal(input, output, true);
    screen.prompt('name: ');
    expect(out).toContain('name: ');
    const closed = once(screen.rl, 'close');
    input.end();
    await closed;
    expect(await screen.lines.next()).toBeNull();
    const mark = out.length;
    // The chat loop does exactly this when input ends while /who or a reconnect is under way.
    screen.prompt('> ');
    screen.show('bob: late notice');
    screen.close();
    screen.close();
    expect(out.slice(mark)).toBe('bob: late notice\n');
  });
});
