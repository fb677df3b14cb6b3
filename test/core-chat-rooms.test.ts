// Unit tests of the chat core's rooms (src/core/chat/chat.ts): join/part, the creation policy, operators, modes, invitations, visibility, persistence.
import { describe, expect, it } from 'vitest';
import type { RoomKeeper } from '../src/core/chat/chat.js';
import { LOBBY } from '../src/core/chat/types.js';
import { last, names, setupChat, throwsCode } from './helpers/chat.js';

describe('Chat rooms: join and part', () => {
  it('#lobby exists from the start; joining another room creates it (--rooms open)', () => {
    const { chat, events, clock } = setupChat();
    expect(chat.rooms().map((r) => r.name)).toEqual([LOBBY]);
    const alice = chat.connect('alice', 'irc');
    clock.now += 7;
    const result = chat.join(alice, '#Dev');
    expect(result).toMatchObject({ joined: true, created: true, room: { name: '#Dev', key: '#dev', size: 1, createdAt: clock.now } });
    expect(last(events)).toMatchObject({ kind: 'join', room: '#Dev', name: 'alice' });
    expect(last(events).audience).toEqual([alice]);
    // Case and look-alikes name the same room, shown as first created.
    const bob = chat.connect('bob', 'irc');
    expect(chat.join(bob, '#ＤＥＶ')).toMatchObject({ joined: true, created: false, room: { name: '#Dev', size: 2 } });
    expect(last(events).audience).toEqual([alice, bob]);
    expect(chat.roomsOf(bob)).toEqual(['#Dev']);
  });

  it('joining a room one is in already does nothing', () => {
    const { chat, events } = setupChat();
    const alice = chat.enter('alice', 'ws');
    const before = events.length;
    expect(chat.join(alice, '#lobby')).toMatchObject({ joined: false, created: false });
    expect(events).toHaveLength(before);
  });

  it('refuses bad room names, creating nothing', () => {
    const { chat, events } = setupChat();
    const alice = chat.connect('alice', 'irc');
    for (const bad of ['dev', '', 5 as unknown as string]) expect(throwsCode(() => chat.join(alice, bad)), String(bad)).toBe('BAD_ROOM');
    for (const bad of ['#', '#a b', '#a,b', '#a\u0000', `#${'x'.repeat(50)}`]) expect(throwsCode(() => chat.join(alice, bad)), bad).toMatch(/^BAD_/);
    expect(chat.room(`#${'x'.repeat(50)}`)).toBeUndefined();
    expect(chat.join(alice, `#${'x'.repeat(49)}`).joined).toBe(true);
    expect(events.map((e) => e.kind)).toEqual(['join']);
  });

  // The room's own code, not the member-name one (IRC 479, not 432 ERRONEUSNICKNAME).
  it('a room name with bad characters is BAD_ROOM, not BAD_NAME', () => {
    const { chat } = setupChat();
    const alice = chat.connect('alice', 'irc');
    for (const bad of ['#', '#a b', '#a,b', `#${'x'.repeat(50)}`]) expect(throwsCode(() => chat.join(alice, bad)), bad).toBe('BAD_ROOM');
  });

  it('part: heard by the room including the one leaving; NO_SUCH_ROOM and NOT_IN_ROOM', () => {
    const { chat, events } = setupChat();
    const alice = chat.enter('alice', 'ws');
    const bob = chat.enter('bob', 'ws');
    chat.part(alice, LOBBY, 'bye');
    expect(last(events)).toMatchObject({ kind: 'part', room: LOBBY, name: 'alice', text: 'bye' });
    expect(last(events).origin).toBe(alice);
    expect(last(events).audience).toEqual([alice, bob]);
    expect(chat.roomsOf(alice)).toEqual([]);
    expect(chat.has(alice)).toBe(true);
    expect(throwsCode(() => chat.part(alice, LOBBY))).toBe('NOT_IN_ROOM');
    expect(throwsCode(() => chat.part(alice, '#nowhere'))).toBe('NO_SUCH_ROOM');
    chat.part(bob, LOBBY);
    expect(last(events)).not.toHaveProperty('text');
    // An empty room stays, with its settings.
    expect(chat.room(LOBBY)).toMatchObject({ size: 0 });
  });

  it('a member is in at most maxRoomsPerMember rooms; the server holds at most maxRooms', () => {
    const { chat } = setupChat({ maxRoomsPerMember: 2, maxRooms: 4 });
    const alice = chat.connect('alice', 'irc');
    chat.join(alice, '#a');
    chat.join(alice, '#b');
    expect(throwsCode(() => chat.join(alice, '#c'))).toBe('TOO_MANY_ROOMS');
    const bob = chat.connect('bob', 'irc');
    chat.join(bob, '#c');
    // #lobby, #a, #b, #c: a fifth room is refused, existing ones can still be joined.
    expect(throwsCode(() => chat.join(bob, '#d'))).toBe('TOO_MANY_ROOMS');
    expect(chat.join(bob, '#a').joined).toBe(true);
  });

  it('queries: room(), members(), roomsOf(), standing() for unknown things', () => {
    const { chat } = setupChat();
    const alice = chat.enter('alice', 'ws');
    expect(chat.room('lobby')).toBeUndefined();
    expect(chat.room('#nowhere')).toBeUndefined();
    expect(chat.members('#nowhere')).toEqual([]);
    expect(chat.standing('#nowhere', alice)).toBeUndefined();
    const ira = chat.connect('ira', 'irc');
    expect(chat.standing(LOBBY, ira)).toBeUndefined();
    expect(chat.roomsOf({ ...alice })).toEqual([]);
  });
});

describe('Chat rooms: who may create, who runs them', () => {
  it("--rooms admin: only administrators create; anyone joins what exists", () => {
    const { chat } = setupChat({ rooms: 'admin' });
    expect(chat.policy).toBe('admin');
    const alice = chat.enter('alice', 'ws');
    const root = chat.connect('root', 'irc');
    expect(throwsCode(() => chat.join(alice, '#dev'))).toBe('PERMISSION_DENIED');
    expect(chat.room('#dev')).toBeUndefined();
    expect(throwsCode(() => chat.join(root, '#dev'))).toBe('PERMISSION_DENIED');
    chat.makeAdmin(root);
    expect(chat.isAdmin(root)).toBe(true);
    expect(chat.join(root, '#dev').created).toBe(true);
    expect(chat.join(alice, '#dev').joined).toBe(true);
  });

  it('the first member into an empty room is its operator; later ones are not; administrators everywhere', () => {
    const { chat } = setupChat();
    const alice = chat.connect('alice', 'irc');
    const bob = chat.connect('bob', 'irc');
    const root = chat.connect('root', 'irc');
    chat.makeAdmin(root);
    chat.join(alice, '#dev');
    chat.join(bob, '#dev');
    chat.join(root, '#dev');
    expect(chat.standing('#dev', alice)).toEqual({ op: true, voice: false });
    expect(chat.standing('#dev', bob)).toEqual({ op: false, voice: false });
    expect(chat.standing('#dev', root)).toEqual({ op: true, voice: false });
    // Emptied and joined again: the next first member runs it.
    for (const m of [alice, bob, root]) chat.part(m, '#dev');
    chat.join(bob, '#dev');
    expect(chat.standing('#dev', bob)?.op).toBe(true);
  });
});

describe('Chat rooms: modes', () => {
  /** alice runs #dev, bob is in it. */
  function room() {
    const setup = setupChat();
    const alice = setup.chat.connect('alice', 'irc');
    const bob = setup.chat.connect('bob', 'irc');
    setup.chat.join(alice, '#dev');
    setup.chat.join(bob, '#dev');
    return { ...setup, alice, bob };
  }

  it('new rooms are +nt; a mode change is one event in IRC form, to the room; no-ops are left out', () => {
    const { chat, events, alice, bob } = room();
    expect(chat.room('#dev')?.modes).toEqual({ noExternal: true, topicLocked: true, secret: false, inviteOnly: false, moderated: false, key: null, limit: null });
    const applied = chat.setModes(alice, '#dev', [
      { mode: 't', on: true },
      { mode: 'n', on: true },
      { mode: 's', on: true },
      { mode: 'k', on: true, arg: 'sesame' },
      { mode: 'l', on: true, arg: '10' },
      { mode: 'v', on: true, arg: 'BOB' },
    ]);
    expect(applied).toHaveLength(4);
    expect(last(events)).toMatchObject({ kind: 'mode', room: '#dev', name: 'alice', change: '+skl' + 'v', args: ['sesame', '10', 'bob'] });
    expect(last(events).audience).toEqual([alice, bob]);
    chat.setModes(alice, '#dev', [
      { mode: 'k', on: false },
      { mode: 'l', on: false },
      { mode: 's', on: false },
    ]);
    expect(last(events)).toMatchObject({ change: '-kls', args: ['*'] });
    const before = events.length;
    expect(chat.setModes(alice, '#dev', [{ mode: 's', on: false }])).toEqual([]);
    expect(events).toHaveLength(before);
  });

  it('only operators (and administrators) set modes; bad requests are refused', () => {
    const { chat, alice, bob } = room();
    expect(throwsCode(() => chat.setModes(bob, '#dev', [{ mode: 'm', on: true }]))).toBe('NOT_OPERATOR');
    expect(throwsCode(() => chat.setModes(alice, '#nowhere', [{ mode: 'm', on: true }]))).toBe('NO_SUCH_ROOM');
    expect(throwsCode(() => chat.setModes(alice, '#dev', [{ mode: 'z', on: true }]))).toBe('BAD_REQUEST');
    expect(throwsCode(() => chat.setModes(alice, '#dev', [{ mode: 'k', on: true, arg: 'a b' }]))).toBe('BAD_KEY');
    expect(throwsCode(() => chat.setModes(alice, '#dev', [{ mode: 'l', on: true, arg: '0' }]))).toBe('BAD_REQUEST');
    expect(throwsCode(() => chat.setModes(alice, '#dev', [{ mode: 'o', on: true, arg: 'nobody' }]))).toBe('NO_SUCH_MEMBER');
    chat.connect('ira', 'irc');
    expect(throwsCode(() => chat.setModes(alice, '#dev', [{ mode: 'o', on: true, arg: 'ira' }]))).toBe('NOT_IN_ROOM');
    const root = chat.connect('root', 'irc');
    chat.makeAdmin(root);
    chat.setModes(root, '#dev', [{ mode: 'm', on: true }]);
    expect(chat.room('#dev')?.modes.moderated).toBe(true);
  });

  // Every request is checked before any applies.
  it('a refused mode request changes nothing, even after a good one in the same call', () => {
    const { chat, alice } = room();
    expect(throwsCode(() => chat.setModes(alice, '#dev', [{ mode: 'o', on: true, arg: 'bob' }, { mode: 'z', on: true }]))).toBe('BAD_REQUEST');
    expect(chat.standing('#dev', chat.find('bob')!)).toEqual({ op: false, voice: false });
  });

  it('-n lets a non-member speak into a room without hearing it; +n (the default) refuses with NOT_IN_ROOM', () => {
    const { chat, events, alice, bob } = room();
    const carol = chat.connect('carol', 'irc');
    expect(throwsCode(() => chat.say(carol, '#dev', 'hello?'))).toBe('NOT_IN_ROOM');
    chat.setModes(alice, '#dev', [{ mode: 'n', on: false }]);
    expect(last(events)).toMatchObject({ kind: 'mode', change: '-n' });
    chat.say(carol, '#dev', 'hello from outside');
    expect(last(events)).toMatchObject({ kind: 'message', room: '#dev', name: 'carol', text: 'hello from outside' });
    expect(last(events).audience).toEqual([alice, bob]);
  });

  it('+o makes an operator, -o takes it back', () => {
    const { chat, alice, bob } = room();
    chat.setModes(alice, '#dev', [{ mode: 'o', on: true, arg: 'bob' }]);
    expect(chat.standing('#dev', bob)?.op).toBe(true);
    chat.setModes(bob, '#dev', [{ mode: 'o', on: false, arg: 'alice' }]);
    expect(chat.standing('#dev', alice)?.op).toBe(false);
    expect(throwsCode(() => chat.setModes(alice, '#dev', [{ mode: 'm', on: true }]))).toBe('NOT_OPERATOR');
  });

  it('+t: only operators set the topic; -t: any member; never a non-member', () => {
    const { chat, events, alice, bob, clock } = room();
    expect(throwsCode(() => chat.setTopic(bob, '#dev', 'mine'))).toBe('NOT_OPERATOR');
    clock.now += 3;
    chat.setTopic(alice, '#dev', 'release friday');
    expect(chat.room('#dev')).toMatchObject({ topic: 'release friday', topicBy: 'alice', topicAt: clock.now });
    expect(last(events)).toMatchObject({ kind: 'topic', room: '#dev', name: 'alice', topic: 'release friday' });
    chat.setModes(alice, '#dev', [{ mode: 't', on: false }]);
    chat.setTopic(bob, '#dev', '');
    expect(chat.room('#dev')?.topic).toBe('');
    const ira = chat.connect('ira', 'irc');
    expect(throwsCode(() => chat.setTopic(ira, '#dev', 'outside'))).toBe('NOT_IN_ROOM');
    expect(throwsCode(() => chat.setTopic(bob, '#dev', 'x'.repeat(391)))).toBe('MESSAGE_TOO_LONG');
    expect(throwsCode(() => chat.setTopic(bob, '#dev', 'two\nlines'))).toBe('BAD_MESSAGE');
  });

  it('+m: only operators and voiced members speak', () => {
    const { chat, alice, bob } = room();
    chat.setModes(alice, '#dev', [{ mode: 'm', on: true }]);
    expect(throwsCode(() => chat.say(bob, '#dev', 'hi'))).toBe('MODERATED');
    chat.say(alice, '#dev', 'ops speak');
    chat.setModes(alice, '#dev', [{ mode: 'v', on: true, arg: 'bob' }]);
    expect(chat.standing('#dev', bob)).toEqual({ op: false, voice: true });
    chat.say(bob, '#dev', 'voiced');
    chat.setModes(alice, '#dev', [{ mode: 'v', on: false, arg: 'bob' }]);
    expect(throwsCode(() => chat.say(bob, '#dev', 'hi'))).toBe('MODERATED');
  });

  it('+k: the key or nothing; +l: full is full; administrators pass both', () => {
    const { chat, alice } = room();
    chat.setModes(alice, '#dev', [
      { mode: 'k', on: true, arg: 'sesame' },
      { mode: 'l', on: true, arg: '3' },
    ]);
    const carol = chat.connect('carol', 'irc');
    expect(throwsCode(() => chat.join(carol, '#dev'))).toBe('BAD_KEY');
    expect(throwsCode(() => chat.join(carol, '#dev', 'wrong'))).toBe('BAD_KEY');
    chat.join(carol, '#dev', 'sesame');
    const dave = chat.connect('dave', 'irc');
    expect(throwsCode(() => chat.join(dave, '#dev', 'sesame'))).toBe('ROOM_FULL');
    const root = chat.connect('root', 'irc');
    chat.makeAdmin(root);
    expect(chat.join(root, '#dev').joined).toBe(true);
    expect(chat.room('#dev')?.size).toBe(4);
  });
});

describe('Chat rooms: invitations', () => {
  it('+i: only the invited join; the invitation is used up; it also passes +k', () => {
    const { chat, events } = setupChat();
    const alice = chat.connect('alice', 'irc');
    const bob = chat.connect('bob', 'irc');
    const carol = chat.connect('carol', 'irc');
    chat.join(alice, '#dev');
    chat.setModes(alice, '#dev', [
      { mode: 'i', on: true },
      { mode: 'k', on: true, arg: 'sesame' },
    ]);
    expect(throwsCode(() => chat.join(bob, '#dev'))).toBe('INVITE_ONLY');
    expect(chat.invite(alice, '#dev', 'BOB')).toBe(bob);
    expect(last(events)).toMatchObject({ kind: 'invite', room: '#dev', name: 'alice', to: 'bob' });
    expect(last(events).audience).toEqual([bob, alice]);
    expect(chat.join(bob, '#dev').joined).toBe(true);
    chat.part(bob, '#dev');
    expect(throwsCode(() => chat.join(bob, '#dev'))).toBe('INVITE_ONLY');
    // Under +i only operators invite.
    chat.setModes(alice, '#dev', [{ mode: 'v', on: true, arg: 'alice' }]);
    chat.invite(alice, '#dev', 'carol');
    chat.join(carol, '#dev');
    expect(throwsCode(() => chat.invite(carol, '#dev', 'bob'))).toBe('NOT_OPERATOR');
  });

  it('refuses an unknown member, an unknown room, an inviter outside, and one already in', () => {
    const { chat, events } = setupChat();
    const alice = chat.connect('alice', 'irc');
    const bob = chat.connect('bob', 'irc');
    chat.join(alice, '#dev');
    chat.join(bob, '#dev');
    const ira = chat.connect('ira', 'irc');
    const before = events.length;
    expect(throwsCode(() => chat.invite(alice, '#dev', 'nobody'))).toBe('NO_SUCH_MEMBER');
    expect(throwsCode(() => chat.invite(alice, '#nowhere', 'ira'))).toBe('NO_SUCH_ROOM');
    expect(throwsCode(() => chat.invite(ira, '#dev', 'alice'))).toBe('NOT_IN_ROOM');
    expect(throwsCode(() => chat.invite(alice, '#dev', 'bob'))).toBe('ALREADY_IN_ROOM');
    expect(events).toHaveLength(before);
  });

  // The audience is the one invited, the inviter and the room's operators.
  it("the inviter hears the invitation even when not the room's operator", () => {
    const { chat, events } = setupChat();
    const alice = chat.connect('alice', 'irc');
    const bob = chat.connect('bob', 'irc');
    chat.join(alice, '#dev');
    chat.join(bob, '#dev');
    chat.connect('carol', 'irc');
    chat.invite(bob, '#dev', 'carol');
    expect(names(last(events).audience)).toContain('bob');
  });
});

describe('Chat rooms: visibility and reading', () => {
  it('secret rooms are listed only to their members and administrators', () => {
    const { chat } = setupChat();
    const alice = chat.connect('alice', 'irc');
    const bob = chat.connect('bob', 'irc');
    const root = chat.connect('root', 'irc');
    chat.makeAdmin(root);
    chat.join(alice, '#b-secret');
    chat.join(alice, '#a-open');
    chat.setModes(alice, '#b-secret', [{ mode: 's', on: true }]);
    expect(chat.rooms(alice).map((r) => r.name)).toEqual(['#a-open', '#b-secret', LOBBY]);
    expect(chat.rooms(bob).map((r) => r.name)).toEqual(['#a-open', LOBBY]);
    expect(chat.rooms().map((r) => r.name)).toEqual(['#a-open', LOBBY]);
    expect(chat.rooms(root).map((r) => r.name)).toEqual(['#a-open', '#b-secret', LOBBY]);
    // Not listed is not gone: room() still answers (a door decides what to show).
    expect(chat.room('#b-secret')?.modes.secret).toBe(true);
  });

  it('mayRead: members and administrators always; others only rooms neither +s, +i nor +k', () => {
    const { chat } = setupChat();
    const alice = chat.connect('alice', 'irc');
    const bob = chat.connect('bob', 'irc');
    const root = chat.connect('root', 'irc');
    chat.makeAdmin(root);
    for (const [room, mode, arg] of [
      ['#s', 's', undefined],
      ['#i', 'i', undefined],
      ['#k', 'k', 'sesame'],
    ] as const) {
      chat.join(alice, room);
      chat.setModes(alice, room, [{ mode, on: true, ...(arg && { arg }) }]);
      expect(chat.mayRead(alice, room)).toBe(true);
      expect(chat.mayRead(bob, room)).toBe(false);
      expect(chat.mayRead(undefined, room)).toBe(false);
      expect(chat.mayRead(root, room)).toBe(true);
    }
    chat.join(alice, '#open');
    expect(chat.mayRead(bob, '#open')).toBe(true);
    expect(chat.mayRead(undefined, LOBBY)).toBe(true);
    expect(chat.mayRead(bob, '#nowhere')).toBe(false);
  });
});

describe('Chat rooms: persistence', () => {
  it('restore() brings rooms back with topic and modes; changes are saved', () => {
    const saved = new Map<string, { name: string; topic: string; modes: { secret: boolean } }>();
    const keeper: RoomKeeper = {
      rooms: () => [
        { name: '#dev', topic: 'kept', topicBy: 'alice', topicAt: 5, createdAt: 1, modes: { noExternal: true, topicLocked: true, secret: true, inviteOnly: false, moderated: false, key: null, limit: null } },
      ],
      saveRoom: (room) => void saved.set(room.name, room),
    };
    const { chat } = setupChat();
    chat.restore(keeper);
    expect(chat.room('#DEV')).toMatchObject({ name: '#dev', topic: 'kept', topicBy: 'alice', size: 0, modes: { secret: true } });
    expect(saved.has(LOBBY)).toBe(true);
    const alice = chat.connect('alice', 'irc');
    chat.join(alice, '#dev');
    chat.setTopic(alice, '#dev', 'new');
    expect(saved.get('#dev')).toMatchObject({ topic: 'new', modes: { secret: true } });
    chat.join(alice, '#fresh');
    expect(saved.has('#fresh')).toBe(true);
  });
});

describe('Chat rooms: #lobby and a refused entrance', () => {
  it('nobody but an administrator runs #lobby: the first member in is not its operator', () => {
    const { chat } = setupChat();
    const alice = chat.enter('alice', 'ws');
    expect(chat.standing(LOBBY, alice)).toEqual({ op: false, voice: false });
    expect(throwsCode(() => chat.setModes(alice, LOBBY, [{ mode: 'i', on: true }]))).toBe('NOT_OPERATOR');
    const root = chat.connect('root', 'irc');
    chat.makeAdmin(root);
    chat.join(root, LOBBY);
    expect(chat.standing(LOBBY, root)).toEqual({ op: true, voice: false });
  });

  // When #lobby refuses the join (an administrator set +i, +k or +l), the name is not kept claimed.
  it('enter() refused by #lobby leaves the name free', () => {
    const { chat } = setupChat();
    const alice = chat.enter('alice', 'ws');
    chat.makeAdmin(alice);
    chat.setModes(alice, LOBBY, [{ mode: 'l', on: true, arg: '1' }]);
    expect(throwsCode(() => chat.enter('bob', 'udp'))).toBe('ROOM_FULL');
    expect(chat.find('bob')).toBeUndefined();
  });
});
