/**
 * Moving through a page the way a keyboard-only person does: Tab and Shift+Tab
 * from wherever focus is, and checks that what they land on can be seen.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** How focus is drawn on the focused element, or why it is not. */
function focusIndicator(el: Element): string {
  const drawn = (s: CSSStyleDeclaration) =>
    (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow !== '' && s.boxShadow !== 'none');
  if (!el.matches(':focus-visible')) return 'not :focus-visible';
  if (drawn(getComputedStyle(el))) return 'drawn';
  if (drawn(getComputedStyle(el, '::after')) || drawn(getComputedStyle(el, '::before'))) return 'drawn';
  // A text field whose box shows focus as a whole (:focus-within on a near wrapper).
  for (let up = el.parentElement, n = 0; up && n < 2; up = up.parentElement, n++) {
    if (up.matches(':focus-within') && drawn(getComputedStyle(up))) return 'drawn';
  }
  return 'no outline or box-shadow';
}

export class KeyboardUser {
  constructor(readonly page: Page) {}

  /**
   * Presses Tab (Shift+Tab with `back`) until `target` has focus, then checks
   * that it is the focused element and that its focus is visible. Fails when
   * it is not reached within `max` presses. Returns the number of presses.
   */
  async tabTo(target: Locator, { back = false, max = 400 } = {}): Promise<number> {
    await expect(target).toHaveCount(1);
    // Resolved once: finding an element by role and name on a long page costs more than the key press.
    const element = await target.elementHandle();
    try {
      for (let presses = 1; presses <= max; presses++) {
        await this.page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
        if (await element!.evaluate((el) => el === document.activeElement)) {
          await this.expectVisibleFocus(target);
          return presses;
        }
      }
    } finally {
      await element?.dispose();
    }
    throw new Error(`${back ? 'Shift+Tab' : 'Tab'} did not reach ${target} in ${max} presses`);
  }

  async expectVisibleFocus(target: Locator): Promise<void> {
    await expect(target).toBeFocused();
    expect(await target.evaluate(focusIndicator), `focus indicator of ${target}`).toBe('drawn');
  }

  /** Presses Tab until focus is outside `container` (no keyboard trap), within `max` presses. */
  async tabOutOf(container: Locator, max = 60): Promise<void> {
    for (let presses = 1; presses <= max; presses++) {
      await this.page.keyboard.press('Tab');
      if (!(await container.evaluate((el) => el.contains(document.activeElement)))) return;
    }
    throw new Error(`focus stayed inside ${container} for ${max} presses of Tab`);
  }

  async press(key: 'Enter' | 'Space' | 'Escape' | 'Tab' | 'Shift+Tab' | 'Control+Enter'): Promise<void> {
    await this.page.keyboard.press(key);
  }

  async type(text: string): Promise<void> {
    await this.page.keyboard.type(text);
  }
}
