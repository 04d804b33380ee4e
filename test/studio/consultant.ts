/** What a consultant does in the studio, as real pointer and keyboard input (shared by the e2e test and screenshots). */
import type { Locator, Page } from 'playwright-core';

type List = 'source' | 'target';

export class Consultant {
  constructor(readonly page: Page) {}

  handle(list: List, field: string): Locator {
    return this.page.locator(`[data-testid="${list}-list"] [data-field="${field}"] .react-flow__handle`);
  }

  formula(kind: string): Locator {
    return this.page.locator(`.react-flow__node-${kind}`).last();
  }

  slot(kind: string, id: string): Locator {
    return this.formula(kind).locator(`[data-handleid="${id}"]`);
  }

  async center(locator: Locator): Promise<{ x: number; y: number }> {
    await locator.waitFor({ state: 'visible' });
    const box = await locator.boundingBox();
    if (!box) throw new Error('element has no box');
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }

  /** A real pointer drag: press on one handle, move in steps, release on the other. */
  async drag(from: Locator, to: Locator): Promise<void> {
    const a = await this.center(from);
    const b = await this.center(to);
    await this.page.mouse.move(a.x, a.y);
    await this.page.mouse.down();
    await this.page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 6 });
    await this.page.mouse.move(b.x, b.y, { steps: 6 });
    await this.page.mouse.up();
  }

  async search(list: List, text: string): Promise<void> {
    await this.page.fill(`[data-testid="${list}-search"]`, text);
  }

  async mapField(source: string, target: string): Promise<void> {
    await this.search('source', source);
    await this.search('target', target);
    await this.drag(this.handle('source', source), this.handle('target', target));
  }

  async connectHubSpot(token: string): Promise<void> {
    await this.page.click('[data-testid="open-connect-hubspot"]');
    await this.page.fill('[data-testid="hubspot-token"]', token);
    await this.page.click('[data-testid="hubspot-connect"]');
    await this.page.waitForSelector('[data-testid="source-search"]');
  }

  async readDestination(name: string): Promise<void> {
    await this.page.click('[data-testid="open-connect-destination"]');
    await this.page.click(`[data-testid="destination-${name}"]`);
    await this.page.waitForSelector('[data-testid="target-search"]');
  }

  /** source → formula(kind) → target, with the formula taken from the palette. */
  async mapThrough(kind: 'lowercase' | 'stripSpaces', source: string, target: string): Promise<void> {
    await this.page.click(`[data-testid="palette-${kind}"]`);
    await this.search('source', source);
    await this.drag(this.handle('source', source), this.slot(kind, 'in:0'));
    await this.search('target', target);
    await this.drag(this.slot(kind, 'out'), this.handle('target', target));
  }

  /** target = concat(first, text, second) */
  async mapConcat(first: string, text: string, second: string, target: string): Promise<void> {
    await this.page.click('[data-testid="palette-concat"]');
    await this.search('source', first);
    await this.drag(this.handle('source', first), this.slot('concat', 'in:append'));
    await this.formula('concat').getByRole('button', { name: '+ text' }).click();
    const literal = this.formula('concat').getByLabel('Text part 2');
    await literal.fill(text);
    await literal.press('Enter');
    await this.search('source', second);
    await this.drag(this.handle('source', second), this.slot('concat', 'in:append'));
    await this.search('target', target);
    await this.drag(this.slot('concat', 'out'), this.handle('target', target));
  }

  /** target = enumMap(source), then open its editor. */
  async mapEnum(source: string, target: string): Promise<void> {
    await this.page.click('[data-testid="palette-enumMap"]');
    await this.search('source', source);
    await this.drag(this.handle('source', source), this.slot('enumMap', 'in:input'));
    await this.search('target', target);
    await this.drag(this.slot('enumMap', 'out'), this.handle('target', target));
    await this.formula('enumMap').getByRole('button', { name: 'Edit map…' }).click();
  }

  async mappingCount(direction: string): Promise<number> {
    return Number(await this.page.locator(`[data-testid="direction-${direction}"] .count`).textContent());
  }
}
