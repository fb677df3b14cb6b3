// Time to show a room of 10,000 messages in headless Chromium: a deep link to the room, a name entered, until its last message is on screen and the log scrolls (median of a few tries).
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

/** Debian's Chromium (NETROOM_CHROMIUM points elsewhere), as the browser tests use. */
const CHROMIUM = process.env.NETROOM_CHROMIUM ?? '/usr/bin/chromium';

/** Figures of {@link webRoomBench}. */
export interface WebRoomResult {
  readonly messages: number;
  readonly seedSeconds: number;
  readonly tries: readonly number[];
  readonly medianMs: number;
  /** Lines in the log once shown (the UI renders the newest page; older ones load on scrolling up). */
  readonly linesShown: number;
}

/**
 * Fill `room` with `count` messages through one WebSocket member. A sender is not sent its own
 * messages back: a `history` request after them is answered once the server has handled them all.
 */
async function seed(wsUrl: string, room: string, count: number): Promise<void> {
  const socket = new WebSocket(wsUrl);
  let waiting: { type: string; resolve: () => void; reject: (err: Error) => void } | null = null;
  socket.on('message', (data: Buffer) => {
    const text = data.toString();
    if (waiting === null) return; // between steps: nothing is awaited
    if (text.includes('"type":"error"')) waiting.reject(new Error(`seeding: ${text}`));
    else if (text.startsWith(`{"type":"${waiting.type}"`)) waiting.resolve();
  });
  /** Send `message` (if any) and wait for the first answer of `type` (one step at a time: each waits for the one before). */
  const step = (type: string, ...messages: object[]): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`seeding: no ${type} within 60 s`)), 60_000);
      waiting = {
        type,
        resolve: () => {
          clearTimeout(timer);
          waiting = null;
          resolve();
        },
        reject,
      };
      for (const message of messages) socket.send(JSON.stringify(message));
    });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  await step('welcome', { type: 'enter', name: `seeder${Date.now().toString(36).slice(-4)}` });
  await step('joined', { type: 'join', room });
  const says = Array.from({ length: count }, (_, i) => ({ type: 'say', room, text: `message ${i + 1}` }));
  await step('history', ...says, { type: 'history', room });
  socket.close();
}

/**
 * Seeds the room (the server must run with `--flood off`), then `tries` times: a fresh browser
 * context opens `BASE?room=ROOM`, enters under a new name, and waits for the room's last message
 * and a scrollable log. Measured from before navigation.
 */
export async function webRoomBench(base: string, count = 10_000, tries = 3): Promise<WebRoomResult> {
  const room = `#big${Date.now().toString(36).slice(-4)}`;
  const seedStart = performance.now();
  await seed(`${base.replace(/^http/u, 'ws')}ws`, room, count);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  const times: number[] = [];
  let linesShown = 0;
  try {
    for (let i = 0; i < tries; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const start = performance.now();
      await page.goto(`${base}?room=${encodeURIComponent(room)}`);
      await page.locator('#name').fill(`reader${i}`);
      await page.locator('#name').press('Enter');
      await page.waitForFunction(
        `(() => { const log = document.querySelector('.log'); return log !== null && log.scrollHeight > log.clientHeight && [...log.querySelectorAll('li')].some((li) => li.textContent.includes(${JSON.stringify(`message ${count}`)})); })()`,
        undefined,
        { timeout: 120_000, polling: 'raf' },
      );
      times.push(performance.now() - start);
      linesShown = Number(await page.evaluate(`document.querySelectorAll('.log li').length`));
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { messages: count, seedSeconds, tries: times, medianMs: sorted[Math.floor(sorted.length / 2)] ?? NaN, linesShown };
}

/** `NNN ms median (a / b / c) | N lines rendered | seeded in N s`. */
export function webRoomFigures(r: WebRoomResult): string {
  return [
    `${Math.round(r.medianMs)} ms median to the last message in a scrollable log (${r.tries.map((t) => Math.round(t)).join(' / ')} ms)`,
    `${r.linesShown} lines rendered`,
    `seeded in ${r.seedSeconds.toFixed(1)} s`,
  ].join(' | ');
}
