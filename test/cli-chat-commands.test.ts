// The terminal WebSocket chat's pure parts: typed lines into commands, and how an event's line reads from where the reader is.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/cli/chat-commands.js';
import { eventLine, type ViewPoint } from '../src/cli/chat-view.js';
import type { WireEvent } from '../src/doors/ws/messages.js';

describe('parseCommand', () => {
  it('says plain lines as typed, //text as /text, nothing for blank lines', () => {
    expect(parseCommand('  hello  there ')).toEqual({ kind: 'say', text: '  hello  there ' });
    expect(parseCommand('//slash')).toEqual({ kind: 'say', text: '/slash' });
    expect(parseCommand('   ')).toEqual({ kind: 'nothing' });
  });

  it('reads every command, any case, with # optional on rooms', () => {
    expect(parseCommand('/JOIN dev')).toEqual({ kind: 'join', room: '#dev' });
    expect(parseCommand('/join #vault sesame')).toEqual({ kind: 'join', room: '#vault', key: 'sesame' });
    expect(parseCommand('/part')).toEqual({ kind: 'part' });
    expect(parseCommand('/part #dev')).toEqual({ kind: 'part', room: '#dev' });
    expect(parseCommand('/go dev')).toEqual({ kind: 'switch', room: '#dev' });
    expect(parseCommand('/rooms')).toEqual({ kind: 'rooms' });
    expect(parseCommand('/who')).toEqual({ kind: 'who' });
    expect(parseCommand('/who *')).toEqual({ kind: 'who', room: '*' });
    expect(parseCommand('/who dev')).toEqual({ kind: 'who', room: '#dev' });
    expect(parseCommand('/topic')).toEqual({ kind: 'topic' });
    expect(parseCommand('/topic  ship it  ')).toEqual({ kind: 'topic', text: 'ship it' });
    expect(parseCommand('/topic -')).toEqual({ kind: 'topic', text: '' });
    expect(parseCommand('/msg bob hi  there')).toEqual({ kind: 'msg', name: 'bob', text: 'hi  there' });
    expect(parseCommand('/query bob')).toEqual({ kind: 'query', name: 'bob' });
    expect(parseCommand('/query')).toEqual({ kind: 'query' });
    expect(parseCommand('/history')).toEqual({ kind: 'history' });
    expect(parseCommand('/search quick  fox')).toEqual({ kind: 'search', query: 'quick  fox' });
    expect(parseCommand('/help')).toEqual({ kind: 'help' });
    expect(parseCommand('/quit')).toEqual({ kind: 'quit' });
    expect(parseCommand('/dance now')).toEqual({ kind: 'unknown', command: '/dance' });
  });

  it('gives the usage for wrong arguments', () => {
    for (const [line, usage] of [
      ['/join', '/join #room [key]'],
      ['/join #a k extra', '/join #room [key]'],
      ['/part #a #b', '/part [#room]'],
      ['/switch', '/switch #room'],
      ['/rooms all', '/rooms'],
      ['/who #a #b', '/who [#room | *]'],
      ['/msg bob', '/msg NAME TEXT'],
      ['/msg #dev hi', '/msg NAME TEXT'],
      ['/query a b', '/query [NAME]'],
      ['/query #dev', '/query [NAME]'],
      ['/history 3', '/history'],
      ['/search', '/search WORDS'],
    ] as const) {
      expect(parseCommand(line), line).toEqual({ kind: 'usage', usage });
    }
  });
});

describe('eventLine', () => {
  const view = (current: string | null): ViewPoint => ({ me: 'alice', current, sentTo: (name) => `-> ${name}: ` });
  const ev = (fields: Partial<WireEvent> & Pick<WireEvent, 'kind' | 'notice'>): WireEvent => ({ id: 1, at: 0, ...fields });

  it('drops the room lead on the current room and names any other room', () => {
    const dev = ev({ kind: 'message', room: '#dev', name: 'bob', text: 'hi', notice: '[#dev] bob: hi' });
    expect(eventLine(dev, view('#dev'))).toBe('bob: hi');
    expect(eventLine(dev, view('#DEV'))).toBe('bob: hi'); // one room whatever the case
    expect(eventLine(dev, view('#lobby'))).toBe('[#dev] bob: hi');
    expect(eventLine(dev, view(null))).toBe('[#dev] bob: hi');
    // #lobby's notices never name it (old clients): named when it is not current.
    const lobby = ev({ kind: 'message', room: '#lobby', name: 'bob', text: 'hi', notice: 'bob: hi' });
    expect(eventLine(lobby, view('#lobby'))).toBe('bob: hi');
    expect(eventLine(lobby, view('#dev'))).toBe('[#lobby] bob: hi');
    expect(eventLine(ev({ kind: 'join', room: '#lobby', name: 'bob', notice: 'bob joined the room' }), view('#dev'))).toBe('[#lobby] bob joined the room');
    expect(eventLine(ev({ kind: 'join', room: '#dev', name: 'bob', notice: 'bob joined #dev' }), view('#lobby'))).toBe('bob joined #dev');
  });

  it('shows our own direct message as -> NAME, others as the server wrote them', () => {
    expect(eventLine(ev({ kind: 'dm', name: 'alice', to: 'bob', text: 'a\nb', notice: 'alice (private): a\nalice | b' }), view('#lobby'))).toBe('-> bob: a\nalice | b');
    expect(eventLine(ev({ kind: 'dm', name: 'bob', to: 'alice', text: 'yo', notice: 'bob (private): yo' }), view('#lobby'))).toBe('bob (private): yo');
    expect(eventLine(ev({ kind: 'announce', text: 'x', notice: '[admin] x' }), view('#dev'))).toBe('[admin] x');
  });
});
