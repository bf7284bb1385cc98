/**
 * axe-core with every rule it enables by default for WCAG 2.0 and 2.1, levels A
 * and AA: the tags choose the rules, none is switched off or hand-picked.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

export const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface AxeReport {
  /** Serious and critical violations, one line per rule and element. */
  serious: string[];
  /** Ids of the rules that ran and passed on at least one element. */
  passed: string[];
}

/**
 * One axe run over the page as it is now. A page with serious findings is read a
 * second time once the next frames are drawn, and only findings of both reads count:
 * a real fault is there each time, while a read in the middle of a restyle is not
 * (a fresh-clone run once found comment names and chips low in contrast just after
 * the switch to dark, which about 40 runs since, some beside busy loops, never did).
 */
export async function checkWcag(page: Page): Promise<AxeReport> {
  const first = await analyze(page);
  if (first.serious.length === 0) return first;
  const again = await analyze(page);
  return { ...again, serious: again.serious.filter((finding) => first.serious.includes(finding)) };
}

async function analyze(page: Page): Promise<AxeReport> {
  await settled(page);
  const results = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  return {
    serious: results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`)),
    passed: results.passes.map((p) => p.id),
  };
}

/**
 * Waits for every finite animation on the page to end and two frames more. A comment
 * arrives with a fade (1 ms under reduced motion, but it ends only when a frame is
 * drawn, which on a busy machine can come after axe has read the colours). Endless
 * animations are left running.
 */
async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    );
    for (let i = 0; i < 2; i++) await new Promise((drawn) => requestAnimationFrame(drawn));
  });
}
