/**
 * Automated WCAG 2 A/AA checks (axe) on the facilitator's view and the New
 * discussion page, in both colour schemes.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './support/facilitation.js';
import { unique } from './support/post-page.js';

const violations = async (page: Page) =>
  (await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze()).violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test('the facilitator view has no WCAG A/AA violations', async ({ facilitator }) => {
      const mine = await facilitator.post(unique('Welcome'));
      await facilitator.moderate(mine, 'Pin');
      await expect(facilitator.pinned).toBeVisible();
      await facilitator.moderate(facilitator.comment('Welcome'), 'Hide');
      await expect(facilitator.comment('Welcome').getByText('Hidden', { exact: true })).toBeVisible();
      await facilitator.tools.getByRole('button', { name: 'Lock discussion' }).click();
      await expect(facilitator.page.getByText('This discussion is locked by a facilitator')).toBeVisible();
      expect(await violations(facilitator.page)).toEqual([]);
    });

    test('the Co-hosts panel, with a new link shown, has no WCAG A/AA violations', async ({ facilitator }) => {
      await facilitator.tools.getByRole('button', { name: 'Co-hosts' }).click();
      const panel = facilitator.page.getByRole('dialog', { name: 'Co-hosts' });
      await expect(panel.getByRole('listitem')).toHaveCount(1);
      await panel.getByRole('button', { name: 'Rotate link' }).click();
      await expect(panel.getByRole('textbox', { name: 'Facilitator link' })).toBeVisible();
      expect(await violations(facilitator.page)).toEqual([]);
    });

    test('the New discussion page has no WCAG A/AA violations', async ({ page }) => {
      await page.goto('/new');
      await expect(page.getByRole('button', { name: 'Start discussion' })).toBeEnabled();
      await expect(page.getByLabel('Your name')).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });
  });
}
