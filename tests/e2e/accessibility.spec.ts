/**
 * Automated WCAG 2 A/AA checks (axe) on the pages people use, in both colour
 * schemes. Not a substitute for using the board with a keyboard and a screen
 * reader, but it catches contrast and naming regressions.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './support/fixtures.js';

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test('the post page has no WCAG A/AA violations', async ({ viewer }) => {
      const results = await new AxeBuilder({ page: viewer.page }).withTags(['wcag2a', 'wcag2aa']).analyze();
      expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    });

    test('the post list has no WCAG A/AA violations', async ({ page }) => {
      await page.goto('/');
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
      expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    });
  });
}
