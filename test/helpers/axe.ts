// axe-core in a Playwright page: inject node_modules/axe-core/axe.min.js, run it, and keep the serious and critical violations, printed readably.
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { screenshot } from './browser.js';

const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));

/** One violation as axe reports it (the fields we print). */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly helpUrl: string;
  readonly nodes: ReadonlyArray<{ readonly target: readonly unknown[]; readonly failureSummary?: string; readonly html: string }>;
}

/** The serious and critical violations on the page as it is now (axe's whole rule set, WCAG 2.x A and AA among them). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.addScriptTag({ path: AXE });
  // A string expression: the test project has no DOM types.
  const violations = await page.evaluate<AxeViolation[]>('window.axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)');
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Violations as lines a person can act on: rule, impact, what it asks, and each element with axe's summary. */
export function describeViolations(screen: string, violations: readonly AxeViolation[]): string {
  return violations
    .map((v) =>
      [
        `[${screen}] ${v.id} (${v.impact ?? '?'}): ${v.help} - ${v.helpUrl}`,
        ...v.nodes.map((n) => `    at ${n.target.map(String).join(' ')}: ${n.html.slice(0, 160)}\n      ${(n.failureSummary ?? '').replace(/\n/gu, '\n      ')}`),
      ].join('\n'),
    )
    .join('\n');
}

/** Where each scheme's screenshot goes: `stem-light.png` and `stem-dark.png` under test-results/, of `target` (default the page). */
export interface SchemeShots {
  readonly stem: string;
  readonly target?: Locator;
}

/**
 * Axe over what `page` shows now, in light and then in dark (reduced motion: lines fading in would
 * be measured half-transparent, a moment rather than what one reads); the serious and critical
 * violations described, '' when none. The page is left in light.
 */
export async function violationsInBothSchemes(page: Page, screen: string, shots?: SchemeShots): Promise<string> {
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    const violations = await seriousViolations(page);
    if (violations.length > 0) found.push(describeViolations(`${screen}, ${scheme}`, violations));
    if (shots !== undefined) await screenshot(shots.target ?? page, `${shots.stem}-${scheme}.png`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found.join('\n');
}

/** Fails the test when axe finds a serious or critical violation on `page` in light or dark. */
export async function expectAccessible(page: Page, screen: string, shots?: SchemeShots): Promise<void> {
  expect(await violationsInBothSchemes(page, screen, shots), 'axe found serious or critical violations').toBe('');
}
