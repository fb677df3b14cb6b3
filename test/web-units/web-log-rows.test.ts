// The chat log's pure parts: rows (day separators, grouping), relative times, the window of a long log, and edits and deletions applied to the lines.
import { describe, expect, it } from 'vitest';
import { applyRevision } from '../../web/src/chat-apply.js';
import { freshHistory, reviseFromHistory, toItem, type ChatItem } from '../../web/src/chat-items.js';
import { INITIAL_CHAT, type ChatState } from '../../web/src/chat-state.js';
import { newRoom, roomKey } from '../../web/src/conversations.js';
import type { Texts } from '../../web/src/i18n.js';
import { LOG_EN } from '../../web/src/i18n-log.js';
import { buildRows, dayLabel, relativeTime } from '../../web/src/log-rows.js';
import { windowOf } from '../../web/src/log-window.js';
import type { WireEvent } from '../../web/src/protocol.js';

const t = LOG_EN as unknown as Texts;
const NOON = new Date(2026, 5, 15, 12, 0, 0).getTime();
const MIN = 60_000;

function msg(id: number, name: string, at: number, text = `m${id}`, extra: Partial<WireEvent> = {}): WireEvent {
  return { id, at, kind: 'message', room: '#r', name, text, notice: `${name}: ${text}`, ...extra };
}

describe('log rows', () => {
  it('groups consecutive messages of one author within the same minute, and separates days', () => {
    const items = [
      msg(1, 'ann', NOON - 86_400_000), // the day before
      msg(2, 'ann', NOON),
      msg(3, 'Ann', NOON + 20_000), // same author (case-insensitively), same minute
      msg(4, 'bob', NOON + 30_000), // another author
      msg(5, 'bob', NOON + MIN + 1000), // the next minute
      { ...msg(6, 'bob', NOON + MIN + 2000), kind: 'join' as const },
      msg(7, 'bob', NOON + MIN + 3000), // after a notice: shown in full again
    ].map(toItem);
    const rows = buildRows(items);
    expect(rows.map((r) => (r.kind === 'day' ? 'day' : `${r.item.id}${r.grouped ? 'g' : ''}`))).toEqual(['day', '1', 'day', '2', '3g', '4', '5', '6', '7']);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });

  it('gives a day seen twice (lines out of order) a key of its own', () => {
    const rows = buildRows([msg(1, 'a', NOON), msg(2, 'a', NOON - 86_400_000), msg(3, 'a', NOON + 1000)].map(toItem));
    const days = rows.filter((r) => r.kind === 'day').map((r) => r.key);
    expect(days).toHaveLength(3);
    expect(new Set(days).size).toBe(3);
  });

  it('labels days Today, Yesterday, then by date, and times relatively within the hour', () => {
    expect(dayLabel(t, 'en', NOON - 3_600_000, NOON)).toBe('Today');
    expect(dayLabel(t, 'en', NOON - 86_400_000, NOON)).toBe('Yesterday');
    expect(dayLabel(t, 'en', NOON - 3 * 86_400_000, NOON)).toMatch(/June 12, 2026/u);
    expect(dayLabel(t, 'zh', NOON - 3 * 86_400_000, NOON)).toMatch(/2026年6月12日/u);
    const clock = (): string => 'CLOCK';
    expect(relativeTime(t, NOON - 10_000, NOON, clock)).toBe('just now');
    expect(relativeTime(t, NOON - 2 * MIN - 5000, NOON, clock)).toBe('2 min ago');
    expect(relativeTime(t, NOON - 2 * 3_600_000, NOON, clock)).toBe('CLOCK');
  });

  it('windows a long log by offsets', () => {
    const offsets = Array.from({ length: 10_001 }, (_, i) => i * 20); // 10,000 rows of 20 px
    expect(windowOf(offsets, -500, 300)).toEqual([0, 16]);
    const [start, end] = windowOf(offsets, 100_000 - 800, 100_000 + 800 + 800);
    expect(start).toBe(4960);
    expect(end - start).toBeLessThan(300);
    expect(windowOf(offsets, 199_000, 201_000)).toEqual([9950, 10_000]);
  });
});

describe('edits and deletions in the log', () => {
  const state = (items: ChatItem[]): ChatState => ({
    ...INITIAL_CHAT,
    name: 'me',
    convs: [newRoom({ name: '#r', topic: '', size: 1, modes: { noExternal: true, topicLocked: false, secret: false, inviteOnly: false, moderated: false, key: null, limit: null } }, ['me'], items)],
    current: roomKey('#r'),
  });

  it('replaces the text of an edited message and marks it; a deleted one becomes a tombstone', () => {
    const s = state([msg(1, 'ann', NOON, 'first'), msg(2, 'ann', NOON + 1, 'second')].map(toItem));
    const edited = applyRevision(s, { kind: 'edit', at: NOON + 5, target: 1, room: '#r', author: 'ann', text: 'first, fixed' }, 'me');
    const deleted = applyRevision(edited, { kind: 'delete', at: NOON + 6, target: 2, room: '#r', author: 'ann' }, 'me');
    const items = deleted.convs[0]?.items ?? [];
    expect(items[0]).toMatchObject({ text: 'first, fixed', edited: NOON + 5 });
    expect(items[1]).toMatchObject({ text: '', deleted: true });
    // A message not loaded here changes nothing.
    expect(applyRevision(s, { kind: 'delete', at: 1, target: 99, room: '#r', author: 'ann' }, 'me')).toBe(s);
  });

  it('reads edited and deleted marks from history, gives our local lines their ids, and does not repeat them', () => {
    const own: ChatItem = { key: 'own-1', kind: 'message', at: NOON, name: 'me', text: 'hello', mine: true };
    const shown = [toItem(msg(1, 'ann', NOON - 1000, 'old')), own];
    const history = [msg(1, 'ann', NOON - 1000, 'old, edited', { edited: NOON + 50 }), msg(2, 'me', NOON + 10, 'hello')];
    const revised = reviseFromHistory(shown, history, 'me');
    expect(revised[0]).toMatchObject({ id: 1, text: 'old, edited', edited: NOON + 50 });
    expect(revised[1]).toMatchObject({ key: 'own-1', id: 2, mine: true });
    // Neither comes again as a new line, and the pending text is used up.
    const pending = ['hello'];
    expect(freshHistory(revised, history, 'me', pending)).toEqual([]);
    expect(pending).toEqual([]);
    expect(toItem(msg(3, 'ann', NOON, 'gone', { deleted: true, text: '' }))).toMatchObject({ deleted: true, text: '' });
  });

  it('pairs our local lines with their stored copies by order when the words changed (deleted or edited elsewhere)', () => {
    const mine = (key: string, text: string): ChatItem => ({ key, kind: 'message', at: NOON, name: 'me', text, mine: true });
    const shown = [mine('own-1', 'first'), mine('own-2', 'second'), mine('own-3', 'third')];
    const history = [msg(7, 'me', NOON + 1, 'first'), msg(8, 'me', NOON + 2, '', { deleted: true }), msg(9, 'me', NOON + 3, 'third, edited', { edited: NOON + 9 })];
    const revised = reviseFromHistory(shown, history, 'me');
    expect(revised.map((i) => [i.id, i.text, i.deleted === true, i.edited])).toEqual([
      [7, 'first', false, undefined],
      [8, '', true, undefined],
      [9, 'third, edited', false, NOON + 9],
    ]);
  });

  it('lends no id from an older message with the same words', () => {
    const own: ChatItem = { key: 'own-1', kind: 'message', at: NOON, name: 'me', text: 'ok', mine: true };
    const revised = reviseFromHistory([own], [msg(5, 'me', NOON - 86_400_000, 'ok'), msg(9, 'me', NOON + 5, 'ok')], 'me');
    expect(revised[0]?.id).toBe(9);
  });
});
