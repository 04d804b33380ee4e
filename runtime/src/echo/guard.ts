/**
 * Provenance for the echo rule: does HubSpot say our app made a change? The per-field rule
 * (convergence/rules.ts `observe`) takes it first, then the write history; changeSource alone is a
 * hint HubSpot gives, never the only defence (docs/RUNTIME.md "Echo prevention").
 */

/** HubSpot's changeSource and sourceId on an event, and our app id. */
export interface SourceHint {
  changeSource?: string;
  sourceId?: string;
  appId?: number | undefined;
}

/** True when HubSpot says our app made the change: `changeSource: INTEGRATION`, `sourceId` = our app id. */
export function isOurSource(input: SourceHint): boolean {
  return (
    input.changeSource === 'INTEGRATION' &&
    input.appId !== undefined &&
    input.sourceId !== undefined &&
    String(input.sourceId) === String(input.appId)
  );
}
