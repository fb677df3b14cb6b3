// axe-core in a Playwright page: inject node_modules/axe-core/axe.min.js, run it, and keep the serious and critical violations, printed readably.
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

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
