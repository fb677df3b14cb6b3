// Moderation over HTTP: administrators kick, ban, mute and lift them (members connected over WebSocket feel it at once); everyone else gets 403.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setCookie, startAccessServer, type AccessServer } from './helpers/access-server.js';
import { errorCode, nextChatEvent } from './helpers/http.js';
import { TestWsClient } from './helpers/ws.js';

const PASSWORD = 'correct horse battery';

describe('moderation over HTTP', () => {
  let srv: AccessServer;
  let admin: Record<string, string>;
  let member: Record<string, string>;
  beforeAll(async () => {
    srv = await startAccessServer();
    await srv.access.accounts.add('alice', PASSWORD, 'member');
    await srv.access.accounts.add('root', PASSWORD, 'admin');
    const cookieOf = async (name: string): Promise<Record<string, string>> => {
      const res = await srv.call('POST', '/api/session', { json: { name, password: PASSWORD } });
      return { cookie: `netroom_session=${setCookie(res, 'netroom_session')?.value ?? ''}` };
    };
    admin = await cookieOf('root');
    member = await cookieOf('alice');
  });
  afterAll(() => srv.close());

  /** A guest over WebSocket, entered as `name`. */
  const guestOnWs = async (name: string): Promise<TestWsClient> => {
    const c = await TestWsClient.open(`ws://127.0.0.1:${srv.port}/ws`);
    await c.enter(name);
    return c;
  };

  it('kick: the member is told why and its connection closes (4003); nobody by that name is left', async () => {
    const troll = await guestOnWs('troll');
    const res = await srv.call('POST', '/api/moderation/kick', { headers: admin, json: { name: 'troll', reason: 'spam' } });
    expect([res.status, res.json()]).toEqual([200, { ok: true }]);
    const told = await troll.waitFor((m) => m.type === 'error');
    expect(told).toMatchObject({ type: 'error', code: 'KICKED', message: expect.stringContaining('spam') as string });
    expect((await troll.closed).code).toBe(4003);
    expect(srv.chat.find('troll')).toBeUndefined();
    const none = await srv.call('POST', '/api/moderation/kick', { headers: admin, json: { name: 'troll' } });
    expect([none.status, errorCode(none)]).toEqual([404, 'NO_SUCH_MEMBER']);
  });

  it('ban by name: removes the member now, keeps the name out, is listed, and unban lets it back', async () => {
    const troll = await guestOnWs('troll');
    const res = await srv.call('POST', '/api/moderation/ban', { headers: admin, json: { kind: 'name', value: 'troll', reason: 'again', durationMs: 3_600_000 } });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, restriction: { type: 'ban', kind: 'name', value: 'troll', room: null, reason: 'again', by: 'root' } });
    expect(await troll.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'BANNED' });
    expect((await troll.closed).code).toBe(4003);
    const back = await TestWsClient.open(`ws://127.0.0.1:${srv.port}/ws`);
    expect(await back.tryEnter('troll')).toMatchObject({ type: 'error', code: 'BANNED' });
    back.close();
    const list = await srv.call('GET', '/api/moderation/restrictions', { headers: admin });
    const { restrictions } = list.json<{ restrictions: Array<{ id: number; type: string; value: string; until: number | null }> }>();
    expect(restrictions).toEqual([expect.objectContaining({ type: 'ban', value: 'troll', until: expect.any(Number) as number })]);
    const lifted = await srv.call('POST', '/api/moderation/unban', { headers: admin, json: { kind: 'name', value: 'troll' } });
    expect([lifted.status, lifted.json()]).toEqual([200, { ok: true }]);
    const again = await guestOnWs('troll');
    again.close();
    const twice = await srv.call('POST', '/api/moderation/unban', { headers: admin, json: { kind: 'name', value: 'troll' } });
    expect([twice.status, errorCode(twice)]).toEqual([404, 'NOT_FOUND']);
  });

  it('mute in a room: the member may not speak there; unmute by id (an unban of that id is 404)', async () => {
    const loud = await guestOnWs('loud');
    const res = await srv.call('POST', '/api/moderation/mute', { headers: { authorization: `Bearer ${srv.adminToken}` }, json: { kind: 'name', value: 'loud', room: 'lobby' } });
    expect(res.status).toBe(200);
    const { id, room } = res.json<{ restriction: { id: number; room: string } }>().restriction;
    expect(room).toBe('#lobby');
    // The room hears of the mute first (a moderation notice), then what loud says is refused.
    await loud.waitFor((m) => m.type === 'event' && m.event.kind === 'moderation');
    loud.send({ type: 'say', text: 'hello?' });
    expect(await loud.waitFor((m) => m.type === 'error')).toMatchObject({ type: 'error', code: 'MUTED' });
    const roomList = await srv.call('GET', '/api/moderation/restrictions?room=%23lobby', { headers: admin });
    expect(roomList.json<{ restrictions: Array<{ id: number }> }>().restrictions.map((r) => r.id)).toEqual([id]);
    const wrongType = await srv.call('POST', '/api/moderation/unban', { headers: admin, json: { id } });
    expect([wrongType.status, errorCode(wrongType)]).toEqual([404, 'NOT_FOUND']);
    expect((await srv.call('POST', '/api/moderation/unmute', { headers: admin, json: { id } })).status).toBe(200);
    // Heard by the room (a member's own message is not echoed back to it).
    const heard = nextChatEvent(srv.chat, (e) => e.kind === 'message');
    loud.send({ type: 'say', text: 'thanks' });
    expect(await heard).toMatchObject({ kind: 'message', name: 'loud', text: 'thanks' });
    loud.close();
  });

  it('members and guests may not moderate over HTTP (403), and nothing happens', async () => {
    const victim = await guestOnWs('victim');
    const calls: Array<[string, string, unknown]> = [
      ['POST', '/api/moderation/kick', { name: 'victim' }],
      ['POST', '/api/moderation/ban', { kind: 'name', value: 'victim' }],
      ['POST', '/api/moderation/mute', { kind: 'name', value: 'victim' }],
      ['POST', '/api/moderation/unban', { kind: 'name', value: 'victim' }],
      ['POST', '/api/moderation/unmute', { id: 1 }],
      ['GET', '/api/moderation/restrictions', undefined],
    ];
    for (const headers of [member, {}]) {
      for (const [method, pathname, json] of calls) {
        const res = await srv.call(method, pathname, { headers, ...(json === undefined ? {} : { json }) });
        expect([pathname, res.status, errorCode(res)]).toEqual([pathname, 403, 'PERMISSION_DENIED']);
      }
    }
    expect(srv.chat.find('victim')).toBeDefined();
    expect(srv.access.restrictions.list()).toEqual([]);
    victim.close();
  });

  it('bad requests are 400 and change nothing', async () => {
    for (const json of [{ kind: 'planet', value: 'x' }, { kind: 'name' }, { kind: 'address', value: 'not-an-ip' }, { kind: 'name', value: 'x', durationMs: -1 }]) {
      const res = await srv.call('POST', '/api/moderation/ban', { headers: admin, json });
      expect([JSON.stringify(json), res.status, errorCode(res)]).toEqual([JSON.stringify(json), 400, 'BAD_REQUEST']);
    }
    const noRoom = await srv.call('POST', '/api/moderation/mute', { headers: admin, json: { kind: 'name', value: 'x', room: '#nowhere' } });
    expect([noRoom.status, errorCode(noRoom)]).toEqual([404, 'NO_SUCH_ROOM']);
    expect(srv.access.restrictions.list()).toEqual([]);
  });
});
