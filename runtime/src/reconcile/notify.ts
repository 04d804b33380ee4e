/**
 * The reconciliation summary on the Notification Centre, through what it already accepts: a
 * heartbeat whose checks carry N, M, K, D and U (`reconcile.*`, ok = nothing left unmatched) and
 * whose failures list unmatched records by id and reason (stage `ops`, kind `reconcile-unmatched`).
 * Ids, counts and reasons only — never record contents (the centre rejects anything else).
 */
import { httpHeartbeatSink } from '../monitor/http-sink.ts';
import type { HeartbeatPayload, HeartbeatResponse } from '../monitor/types.ts';
import type { IntegrationSpec } from '../spec/types.ts';
import type { ReconcileReport } from './run.ts';

export function reconcileHeartbeat(
  spec: IntegrationSpec,
  report: ReconcileReport,
  now: number,
): HeartbeatPayload {
  const check = (name: string, value: number, ok = true, reason?: string) => ({
    name: `reconcile.${name}`,
    ok,
    durationMs: Math.min(3_600_000, Math.max(0, Math.round(report.durationMs))),
    value,
    ...(reason === undefined ? {} : { reason }),
  });
  return {
    v: 1,
    // One run, one id: a summary sent again is filed once.
    beatId: `reconcile-${Math.floor(report.at)}`,
    integrationId: spec.integration.name,
    clientSlug: spec.client.slug,
    sentAt: now,
    intervalSeconds: spec.monitoring.heartbeatSeconds,
    counters: {},
    errorsByKind: {
      ...(report.unmatched > 0 ? { 'reconcile-unmatched': report.unmatched } : {}),
      ...(report.diverged > 0 ? { 'reconcile-diverged': report.diverged } : {}),
    },
    lastEventAt: null,
    checks: [
      check('hubspot-records', report.hubspot),
      check('destination-records', report.destination),
      check('mapped', report.mapped),
      check('drift-repaired', report.drifted, true, report.repaired ? 'rolled ids followed' : 'dry run'),
      check('linked', report.linked),
      check(
        'unmatched',
        report.unmatched,
        report.unmatched === 0,
        Object.entries(report.unmatchedByReason)
          .map(([reason, n]) => `${n} ${reason}`)
          .join(', ') || 'none',
      ),
      check('label-problems', report.labelProblems.length, report.labelProblems.length === 0),
      // Pairs whose fields still differ after the conflict window: the sync lost or could not apply a change.
      check(
        'diverged',
        report.diverged,
        report.diverged === 0,
        report.diverged === 0 ? 'none' : `${report.diverged} mapped pairs differ in mapped fields`,
      ),
    ],
    deadLetters: null,
    failures: [
      ...report.unmatchedSample.slice(0, 50).map((u) => ({
        at: report.at,
        stage: 'ops' as const,
        kind: 'reconcile-unmatched',
        reason: `${u.side} record: ${u.reason}`,
        recordId: u.id,
      })),
      // Field names only, never their values (the centre takes no record contents).
      ...report.divergedSample.slice(0, 50).map((f) => ({
        at: report.at,
        stage: 'ops' as const,
        kind: 'reconcile-diverged',
        reason: `fields differ: ${f.fields.join(', ')} (destination ${f.destinationId})`,
        recordId: f.hubspotId,
      })),
    ],
    traces: [],
    commandResults: [],
  };
}

/** Posts the summary; resolves to the centre's answer. */
export async function postReconcileReport(
  spec: IntegrationSpec,
  report: ReconcileReport,
  centre: { url: string; key: string; fetch?: typeof fetch },
  now = Date.now(),
): Promise<HeartbeatResponse> {
  const sink = httpHeartbeatSink({
    url: centre.url,
    key: centre.key,
    ...(centre.fetch ? { fetch: centre.fetch } : {}),
  });
  return sink.send(reconcileHeartbeat(spec, report, now));
}
