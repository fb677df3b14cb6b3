// HTTP chat API when the history store cannot answer: 503 with the code STORE_UNAVAILABLE, and the next request is served.
import { afterEach, describe, expect, it } from 'vitest';
import { errorCode, request, startHttpRig, type HttpRig } from './helpers/http.js';
import { SlowHistory } from './helpers/slow-history.js';

let rig: HttpRig | undefined;
let slow: SlowHistory;
afterEach(async () => {
  slow.release();
  await rig?.close();
});

describe('HTTP chat API: the history store is down', () => {
  it('answers history and search with 503 STORE_UNAVAILABLE, then serves again once the store answers', async () => {
    rig = await startHttpRig({ history: true, wrapHistory: (store) => (slow = new SlowHistory(store)) });
    const alice = rig.chat.enter('alice', 'ws');
    rig.chat.say(alice, '#lobby', 'walrus');
    for (const path of ['/api/rooms/%23lobby/history', '/api/search?q=walrus']) {
      slow.hold();
      const answer = request(rig.url(path));
      await slow.reads(1);
      slow.fail();
      const res = await answer;
      expect(res.status, path).toBe(503);
      expect(errorCode(res), path).toBe('STORE_UNAVAILABLE');
    }
    const res = await request(rig.url('/api/search?q=walrus'));
    expect(res.status).toBe(200);
    expect(res.json<{ events: { text: string }[] }>().events.map((e) => e.text)).toEqual(['walrus']);
  });
});
