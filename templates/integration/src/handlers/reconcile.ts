/**
 * Scheduled, daily: compare both systems with the identity table, repair mappings whose ids rolled
 * or drifted (it never writes to HubSpot or the destination), check the enumMap labels against the
 * live options, and post the report to the Notification Centre. The full report goes to the log.
 */
import { awsEnvironment } from '@kongo/runtime';
import { formatReconcileReport, runScheduledReconciliation } from '@kongo/runtime/reconcile';
import { connector } from '../connector.ts';
import { chosenEnvironment } from '../environment.ts';
import { mappings } from '../mappings.ts';
import { spec } from '../spec.ts';

/** N, M, K, D, linked, U and label problems of the run, as the function's result. */
export interface ReconcileSummary {
  hubspot: number;
  destination: number;
  mapped: number;
  drifted: number;
  linked: number;
  unmatched: number;
  labelProblems: number;
  notified: boolean;
}

export async function handler(): Promise<ReconcileSummary> {
  const environment = chosenEnvironment() ?? awsEnvironment();
  const { report, notified } = await runScheduledReconciliation({
    spec,
    mappings,
    environment,
    ...(connector ? { connector } : {}),
  });
  console.info(formatReconcileReport(report));
  return {
    hubspot: report.hubspot,
    destination: report.destination,
    mapped: report.mapped,
    drifted: report.drifted,
    linked: report.linked,
    unmatched: report.unmatched,
    labelProblems: report.labelProblems.length,
    notified,
  };
}
