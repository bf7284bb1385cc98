/**
 * axe-core with every rule it enables by default for WCAG 2.0 and 2.1, levels A
 * and AA: the tags choose the rules, none is switched off or hand-picked.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

export const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface AxeReport {
  /** Serious and critical violations, one line per rule with the elements it found. */
  serious: string[];
  /** Ids of the rules that ran and passed on at least one element. */
  passed: string[];
}

export async function checkWcag(page: Page): Promise<AxeReport> {
  await settled(page);
  const results = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  return {
    serious: results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    passed: results.passes.map((p) => p.id),
  };
}

/**
 * Waits for every finite animation on the page to end. A comment arrives with a
 * fade (1 ms under reduced motion, but it ends only when the next frame is drawn,
 * which on a busy machine can come after axe has read the colours): axe reads a
 * half-faded element's text as low contrast. Endless animations are left running.
 */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
}
