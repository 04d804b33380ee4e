/**
 * Canvas drag smoothness at HubSpot's 356 contact properties (prints figures; not a test).
 * Run: node --import tsx test/bench/canvas-drag.bench.ts
 *
 * Builds the studio, starts the simulators (test/studio/harness.ts), connects HubSpot, reads the
 * events platform, accepts the likely pairs (8 mappings each way, as later in a session), then drags a
 * new connection from a source handle to a target handle in 40 pointer moves, three times. Each
 * move's time = pointer move sent → the next animation frame painted in the page. Prints the median,
 * p95 and worst move, fresh and again after many edits (DRAG_EDITS, default 120: palette formulas left
 * unwired, direction changes in the field-pair table, the Spec tab opened, directions switched) —
 * the issue saw 0.7–1.0 s per move late in a session.
 */
import { Consultant } from '../studio/consultant.ts';
import { buildStudio, HUBSPOT_TOKEN, launchChromium, startSandbox } from '../studio/harness.ts';

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? Number.NaN;

await buildStudio();
const sandbox = await startSandbox();
const chromium = await launchChromium();
try {
  const page = await (
    await chromium.browser.newContext({ viewport: { width: 1440, height: 900 } })
  ).newPage();
  await page.goto(sandbox.studio.url);
  await page.waitForSelector('[data-testid="canvas"]');
  const me = new Consultant(page);
  await me.connectHubSpot(HUBSPOT_TOKEN);
  await me.readDestination('events-platform');
  await page.click('[data-testid="view-table"]');
  await page.click('[data-testid="pairs-accept-likely"]');
  await page.click('[data-testid="view-canvas"]');
  await page.waitForSelector('[data-testid="source-list"] [data-field]');
  const fields = await page.locator('[data-testid="source-list"] [data-field]').count();

  /** Three drags of a new connection, 40 pointer moves each: pointer move → next frame, per move. */
  const measure = async (): Promise<number[]> => {
    const moves: number[] = [];
    for (let round = 0; round < 3; round++) {
      await me.search('target', 'ticket');
      const from = await me.center(
        page.locator('[data-testid="source-list"] [data-field] .react-flow__handle').nth(2 + round),
      );
      const row = await page.locator('[data-testid="target-list"] [data-field="ticketType"]').boundingBox();
      if (!row) throw new Error(`round ${round}: the ticketType row is not shown`);
      const to = { x: row.x + 4, y: row.y + row.height / 2 };
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      for (let i = 1; i <= 40; i++) {
        const x = from.x + ((to.x - from.x) * i) / 40;
        const y = from.y + ((to.y - from.y) * i) / 40 + Math.sin(i / 3) * 40;
        const t = performance.now();
        await page.mouse.move(x, y);
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
        moves.push(performance.now() - t);
      }
      await page.mouse.up();
    }
    return moves;
  };
  const report = (label: string, moves: number[]) =>
    console.log(
      `${label}: drag, per pointer move → next frame (${moves.length} moves): median ${pct(moves, 0.5).toFixed(1)} ms, p95 ${pct(moves, 0.95).toFixed(1)} ms, worst ${Math.max(...moves).toFixed(1)} ms`,
    );
  console.log(`source list rows rendered: ${fields} (of 356 properties, virtualised)`);
  report('fresh (8 mappings each way)', await measure());

  // Later in a session: many edits — formulas from the palette (left unwired, as drafts pile up),
  // direction changes in the field-pair table, the Spec and Preview tabs opened, both directions.
  const EDITS = Number(process.env.DRAG_EDITS ?? 120);
  let edits = 0;
  for (let i = 0; edits < EDITS; i++) {
    if (i % 6 === 0) {
      await page.click(`[data-testid="palette-${['lowercase', 'stripSpaces', 'concat'][i % 3]}"]`);
      edits++;
    }
    await page.click('[data-testid="view-table"]');
    const rows = page.locator('[data-testid="pair-row"]');
    const n = await rows.count();
    for (let r = 0; r < n && edits < EDITS; r++) {
      const row = rows.nth(r);
      const current =
        (await row.locator('[data-testid="pair-direction-both"]').getAttribute('aria-pressed')) === 'true';
      await row.locator(`[data-testid="pair-direction-${current ? 'to-destination' : 'both'}"]`).click();
      edits++;
    }
    if (i % 4 === 0) {
      await page.click('[data-testid="tab-spec"]');
      await page.waitForSelector('.monaco-editor', { timeout: 30_000 });
      await page.click('[data-testid="tab-problems"]');
    }
    await page.click('[data-testid="view-canvas"]');
    await page.keyboard.press(i % 2 === 0 ? 'Alt+2' : 'Alt+1');
  }
  await page.keyboard.press('Alt+1');
  await page.waitForSelector('[data-testid="source-list"] [data-field]');
  report(`after ${edits} more edits`, await measure());
} finally {
  await chromium.close();
  await sandbox.close();
}
