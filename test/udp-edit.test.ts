// The seed UDP door and issue 14's edits and deletes: told in #lobby in the seeds' words, never typing, never another room's.
import { describe, expect, it } from 'vitest';
import { LOBBY, type FoundMessage, type Member } from '../src/core/chat/types.js';
import { udpRigPerTest, type UdpRig } from './helpers/udp.js';

const start = udpRigPerTest();

/** A member of another door (which can edit and delete), in #lobby and `rooms`. */
function other(r: UdpRig, name: string, ...rooms: string[]): Member {
  const member = r.chat.connect(name, 'irc');
  for (const room of [LOBBY, ...rooms]) r.chat.join(member, room);
  return member;
}

/** The chat finds messages in this map (the server's history store, in miniature). */
function messages(r: UdpRig): Map<number, FoundMessage> {
  const map = new Map<number, FoundMessage>();
  r.chat.useMessages({ find: (id) => Promise.resolve(map.get(id)) });
  return map;
}

describe('UDP door: edits and deletes', () => {
  it('tells #lobby "NAME edited: TEXT" and "NAME deleted a message"; nothing of typing or of other rooms', async () => {
    const r = await start();
    const found = messages(r);
    const a = await r.member('alice');
    const ira = other(r, 'ira', '#dev');
    expect(await a.next()).toBe('\nira joined the room');
    found.set(1, { id: 1, kind: 'message', room: '#dev', name: 'ira', deleted: false });
    found.set(2, { id: 2, kind: 'message', room: LOBBY, name: 'ira', deleted: false });
    found.set(3, { id: 3, kind: 'message', room: LOBBY, name: 'alice', deleted: false });
    await r.chat.editMessage(ira, 1, 'dev only');
    r.chat.typing(ira, { room: LOBBY }, 'active');
    await r.chat.editMessage(ira, 2, 'better words\nand a second line');
    // The first thing alice hears: the #lobby edit (the #dev one and the typing never came), lines marked as ira's.
    expect(await a.next()).toBe('\nira edited: better words\nira | and a second line');
    await r.chat.deleteMessage(ira, 2);
    expect(await a.next()).toBe('\nira deleted a message');
    // An administrator takes alice's own message away: she is told, by whom.
    const root = r.chat.connect('root', 'irc', { role: 'admin' });
    r.chat.makeAdmin(root);
    await r.chat.deleteMessage(root, 3);
    expect(await a.next()).toBe('\nroot deleted a message by alice');
  });

  it('in Chinese, in the seeds\' style', async () => {
    const r = await start({ lang: 'zh' });
    const found = messages(r);
    const a = await r.member('alice');
    const ira = other(r, 'ira');
    expect(await a.next()).toBe('\n欢迎 ira 进入聊天室');
    found.set(5, { id: 5, kind: 'message', room: LOBBY, name: 'ira', deleted: false });
    await r.chat.editMessage(ira, 5, '改好了');
    expect(await a.next()).toBe('\nira 修改了消息: 改好了');
    await r.chat.deleteMessage(ira, 5);
    expect(await a.next()).toBe('\nira 删除了一条消息');
  });
});
