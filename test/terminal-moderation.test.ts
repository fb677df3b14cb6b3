// The terminal chat's moderation: /kick /ban /unban /mute /unmute /bans in the current room, signed in with a token; KICKED shown and no reconnect.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommand } from '../src/cli/chat-commands.js';
import { runWsChat } from '../src/cli/chat.js';
import { chatUrl } from '../src/client/http.js';
import { SYSTEM } from '../src/core/access/roles.js';
import { startAccessRig, type AccessRig } from './helpers/cli-access.js';
import { Screen } from './helpers/netroom.js';

let rig: AccessRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** A `netroom chat` session on streams: signed in with `token`, or entered as a guest called `name`. */
async function session(base: string, who: { token: string } | { name: string }) {
  const input = new PassThrough();
  const screen = new Screen();
  const done = runWsChat({ url: chatUrl(base), input, output: screen.stream, client: { reconnect: true, pingIntervalMs: 0 }, ...('token' in who && { token: who.token }) });
  if ('name' in who) input.write(`${who.name}\n`);
  await screen.waitFor(/you are in #lobby as /u);
  /** Type a line and wait for `answer` after what is on screen now. */
  const type = async (line: string, answer: string | RegExp): Promise<void> => {
    const mark = screen.text.length;
    input.write(`${line}\n`);
    await screen.waitFor(answer, mark);
  };
  return { input, screen, done, type };
}

describe('parseCommand: moderation', () => {
  it('reads the member and the reason, and refuses a room or a missing name', () => {
    expect(parseCommand('/kick eve  being rude ')).toEqual({ kind: 'moderate', action: 'kick', name: 'eve', reason: 'being rude' });
    expect(parseCommand('/BAN eve')).toEqual({ kind: 'moderate', action: 'ban', name: 'eve' });
    expect(parseCommand('/mute eve')).toEqual({ kind: 'moderate', action: 'mute', name: 'eve' });
    expect(parseCommand('/unmute eve')).toEqual({ kind: 'moderate', action: 'unmute', name: 'eve' });
    expect(parseCommand('/unban eve')).toEqual({ kind: 'moderate', action: 'unban', name: 'eve' });
    expect(parseCommand('/bans')).toEqual({ kind: 'bans' });
    expect(parseCommand('/kick')).toEqual({ kind: 'usage', usage: '/kick NAME [reason]' });
    expect(parseCommand('/ban #dev')).toEqual({ kind: 'usage', usage: '/ban NAME [reason]' });
    expect(parseCommand('/mute eve now')).toEqual({ kind: 'usage', usage: '/mute NAME' });
    expect(parseCommand('/bans all')).toEqual({ kind: 'usage', usage: '/bans' });
  });
});

describe('netroom chat: moderation', () => {
  it('an admin signed in with a token mutes, lists, kicks and bans in the current room; the member sees it on its screen', async () => {
    rig = await startAccessRig();
    await rig.server.access?.accounts.add('boss', 'boss-password', 'admin');
    const token = rig.server.access?.credentials.create('boss', 'token', 'test').secret ?? '';
    const boss = await session(rig.base, { token });
    expect(boss.screen.text).toMatch(/signed in as boss \(admin\) with the stored token/u);
    expect(boss.screen.text).not.toMatch(/name: /u);
    const eve = await session(rig.base, { name: 'eve' });

    await boss.type('/help', '/kick NAME [why]');
    await boss.type('/mute eve', 'boss muted eve in #lobby');
    await boss.type('/bans', /bans and mutes in #lobby \(1\):\n {2}mute name eve by boss/u);
    await eve.type('can I talk?', /not sent: .*\(MUTED\)/u);
    await boss.type('/unmute eve', 'boss lifted the mute on eve in #lobby');
    await boss.type('/bans', '(no bans or mutes in #lobby)');

    await boss.type('/kick eve be nice', 'eve was removed from #lobby by boss (be nice)');
    await eve.screen.waitFor('(you are no longer in #lobby; /join #room)');
    // Out of the room, still on the server: a ban of the room keeps eve from coming back.
    await boss.type('/ban eve spam', 'boss banned eve in #lobby (spam)');
    await eve.type('/join #lobby', /refused: .*\(BANNED\)/u);
    await boss.type('/unban eve', 'boss lifted the ban on eve in #lobby');
    await eve.type('/join #lobby', 'you joined #lobby');

    // A guest may not moderate: the server's refusal is shown.
    await eve.type('/kick boss', /refused: .*\((NOT_OPERATOR|PERMISSION_DENIED)\)/u);
    await boss.type('/kick', '(usage: /kick NAME [reason])');
    boss.input.end();
    eve.input.end();
    expect(await boss.done).toBe(0);
    expect(await eve.done).toBe(0);
  });

  it('removed from the server: KICKED on the screen, the session ends and does not reconnect', async () => {
    rig = await startAccessRig();
    const eve = await session(rig.base, { name: 'eve' });
    rig.server.moderation?.kick({ actor: SYSTEM }, null, 'eve', 'go away');
    await eve.screen.waitFor(/\*\*\* KICKED: .*go away \(not reconnecting\)/u);
    expect(await eve.done).toBe(1);
    expect(eve.screen.text).not.toMatch(/reconnecting in/u);
    expect(rig.server.chat.find('eve')).toBeUndefined();
  });
});
