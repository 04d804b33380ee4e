/**
 * The consultant's two journeys as real pointer and keyboard input on what the studio shows (no
 * page.evaluate, no storage, no API calls), each action counted: shared by the journey benchmark
 * (test/bench/journey.bench.ts) and the browser test (journey.e2e.test.ts).
 */
import type { Locator, Page } from 'playwright-core';
import { Consultant } from './consultant.ts';

/** Does one UI action (a click, a drag, a key chord, a string typed into one box, an option picked). */
export type Act = <T>(what: string, work: () => Promise<T>) => Promise<T>;

/** An `act` that counts (and with JOURNEY_VERBOSE=1 prints) each action. */
export function actionCounter(label: string): { act: Act; count: () => number } {
  let actions = 0;
  const act: Act = async (what, work) => {
    actions++;
    if (process.env.JOURNEY_VERBOSE) console.log(`${label} ${actions}. ${what}`);
    return work();
  };
  return { act, count: () => actions };
}

/** Mappings in the spec, as the two direction tabs count them. */
export async function mappingsMade(page: Page): Promise<number> {
  let total = 0;
  for (const direction of ['hubspot-to-destination', 'destination-to-hubspot'])
    total += Number(
      /(\d+)/.exec(
        (await page.locator(`[data-testid="direction-${direction}"] .count`).textContent()) ?? '',
      )?.[1],
    );
  return total;
}

/** The field-pair table's actions: add a pair with the pickers, set a direction or a formula. */
export function pairTable(page: Page, act: Act) {
  const row = (pair: string): Locator => page.locator(`[data-testid="pair-row"][data-pair="${pair}"]`);
  return {
    row,
    async addPair(hubspotQuery: string, hubspot: string, destQuery: string, destination: string) {
      if ((await row(`${hubspot}|${destination}`).count()) > 0) return;
      await act(`HubSpot picker for ${hubspot}`, () => page.click('[data-testid="pair-new-hubspot"]'));
      await act(`type ${hubspotQuery}`, () => page.keyboard.type(hubspotQuery));
      const hubspotOption = page.locator(
        `[data-testid="pair-new-hubspot-options"] [data-field="${hubspot}"]`,
      );
      await hubspotOption.waitFor();
      await act(`pick ${hubspot}`, () => hubspotOption.click());
      await act(`destination picker for ${destination}`, () =>
        page.click('[data-testid="pair-new-destination"]'),
      );
      await act(`type ${destQuery}`, () => page.keyboard.type(destQuery));
      const destinationOption = page.locator(
        `[data-testid="pair-new-destination-options"] [data-field="${destination}"]`,
      );
      await destinationOption.waitFor();
      await act(`pick ${destination}`, () => destinationOption.click());
      await row(`${hubspot}|${destination}`).waitFor();
    },
    async direction(pair: string, d: 'to-destination' | 'to-hubspot' | 'both') {
      const button = row(pair).locator(`[data-testid="pair-direction-${d}"]`);
      if ((await button.getAttribute('aria-pressed')) !== 'true')
        await act(`${pair} ${d}`, () => button.click());
    },
    async formula(pair: string, preset: string) {
      const select = row(pair).locator('[data-testid="pair-formula-to-destination"]');
      if ((await select.inputValue()) !== preset)
        await act(`${pair} → ${preset}`, () => select.selectOption(preset));
    },
  };
}

/**
 * deals ↔ jobs from New integration to "Running": the job reference as the natural key both ways,
 * deal stage ↔ job status as an enumMap each way, the job's title = concat(deal name, " – ", job
 * reference) one way (concat has no inverse), the amount back from the job only. `stop` names the
 * running integrations on the same deals and jobs, stopped in Open running first: two integrations
 * on the same records overwrite each other (the starter's title ← dealname would feed the concat
 * back into the deal name). Answers the integration's name.
 */
export async function jobsIntegrationInUi(
  page: Page,
  act: Act,
  options: { client: string; stop: string[] },
): Promise<string> {
  const me = new Consultant(page);
  await act('New integration', () => page.click('[data-testid="new-integration-open"]'));
  await act('type the client', () => page.fill('[data-testid="new-client"]', options.client));
  await act('HubSpot object: deals', () => page.click('[data-testid="new-object-deals"]'));
  await act('destination: job-system', () => page.click('[data-testid="new-destination-job-system"]'));
  const name = await page.inputValue('[data-testid="new-name"]'); // as suggested: {client}-jobs
  await act('Create', () => page.click('[data-testid="new-create"]'));
  await page.locator('.topbar .brand').filter({ hasText: name }).waitFor();
  await page
    .locator('[data-testid="open-connect-destination"]')
    .filter({ hasText: /\d+ fields/ })
    .waitFor();

  await act('Field pairs view', () => page.click('[data-testid="view-table"]'));
  await act('Accept all likely', () => page.click('[data-testid="pairs-accept-likely"]'));
  const t = pairTable(page, act);
  // The natural key both ways (the deal's custom `job_reference` ↔ the job's `reference`).
  await t.addPair('job reference', 'job_reference', 'reference', 'reference');
  await t.direction('job_reference|reference', 'both');
  // Deal stage → job status, then ↔ (which inverts the map), then the job statuses left over.
  await t.addPair('deal stage', 'dealstage', 'status', 'status');
  await t.direction('dealstage|status', 'to-destination');
  const stage = t.row('dealstage|status');
  const toJob = stage.locator('[data-testid="pair-formula-to-destination"]');
  if ((await toJob.inputValue()) !== 'enumMap')
    await act('dealstage → enumMap', () => toJob.selectOption('enumMap'));
  await act('Edit deal stage map', () =>
    stage.locator('[data-testid="pair-formula-to-destination-enum"]').click(),
  );
  const editor = page.locator('[data-testid="enum-editor"]');
  await act('closedwon → SCHEDULED', () =>
    editor.locator('select[aria-label="Map closedwon"]').selectOption('SCHEDULED'),
  );
  await act('closedlost → CANCELLED', () =>
    editor.locator('select[aria-label="Map closedlost"]').selectOption('CANCELLED'),
  );
  await act('otherwise QUOTED', () =>
    editor.locator('[data-testid="enum-otherwise"]').selectOption({ label: 'QUOTED' }),
  );
  await act('dealstage ↔ status', () => stage.locator('[data-testid="pair-direction-both"]').click());
  await act('Edit job status map', () =>
    stage.locator('[data-testid="pair-formula-to-hubspot-enum"]').click(),
  );
  await act('IN_PROGRESS → closedwon', () =>
    editor.locator('select[aria-label="Map IN_PROGRESS"]').selectOption('closedwon'),
  );
  await act('COMPLETED → closedwon', () =>
    editor.locator('select[aria-label="Map COMPLETED"]').selectOption('closedwon'),
  );
  await act('QUOTED leaves the stage alone', () =>
    editor.locator('select[aria-label="Map QUOTED"]').selectOption({ label: '(no value)' }),
  );
  // HubSpot's API sends a deal's amount as text ("1200") and the job system refuses text for its
  // number `value` (422, dead-lettered, as the Run tab shows): the amount comes back from the job only.
  if ((await t.row('amount|value').count()) > 0) await t.direction('amount|value', 'to-hubspot');
  // The title one way: concat(deal name, " – ", job reference) on the canvas.
  if ((await t.row('dealname|title').count()) > 0) await t.direction('dealname|title', 'to-destination');
  await act('Canvas view', () => page.click('[data-testid="view-canvas"]'));
  // The job status map's editor showed destination → HubSpot; the title goes the other way.
  await act('HubSpot → destination (Alt+1)', () => page.keyboard.press('Alt+1'));
  await act('concat from the palette', () => page.click('[data-testid="palette-concat"]'));
  await act('search deal name', () => me.search('source', 'deal name'));
  await act('drag dealname → concat', () =>
    me.drag(me.handle('source', 'dealname'), me.slot('concat', 'in:append')),
  );
  await act('+ text', () => me.formula('concat').getByRole('button', { name: '+ text' }).click());
  await act('type " – "', () => page.keyboard.type(' – '));
  await act('search job reference', () => me.search('source', 'job reference'));
  await act('drag job_reference → concat', () =>
    me.drag(me.handle('source', 'job_reference'), me.slot('concat', 'in:append')),
  );
  await act('search title', () => me.search('target', 'title'));
  await act('drag concat → title', () => me.drag(me.slot('concat', 'out'), me.handle('target', 'title')));

  if (options.stop.length > 0) {
    await act('Open running', () => page.click('[data-testid="open-running-open"]'));
    for (const other of options.stop) {
      await act(`Stop ${other}`, () => page.click(`[data-testid="stop-running-${other}"]`));
      await page.locator(`[data-testid="start-running-${other}"]`).waitFor();
    }
    await act('close (Escape)', () => page.keyboard.press('Escape'));
    await page.locator('[data-testid="open-running"]').waitFor({ state: 'detached' });
  }
  await act('Run locally', () => page.click('[data-testid="run-locally"]'));
  await page.locator('[data-testid="run-locally-status"]').waitFor({ timeout: 60_000 });
  return name;
}
