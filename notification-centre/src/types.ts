/** The Notification Centre's records: clients, registered integrations, their state, minute buckets, alerts. */
import type {
  CheckResult,
  CommandResult,
  DeadLetterReport,
  FailureSummary,
  TraceSummary,
} from '@kongo/runtime/monitor';

export type { CheckResult, CommandResult, DeadLetterReport, FailureSummary, TraceSummary };

/** Milliseconds since the epoch; tests drive it by hand so a 2× interval takes no real time. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface ClientRecord {
  slug: string;
  name: string;
  /** Slack incoming-webhook URL for this client's channel; a credential, never returned by the API. */
  slackWebhookUrl?: string;
}

export interface IntegrationRecord {
  id: string;
  clientSlug: string;
  /** As the dashboard shows it, e.g. "Velflex Integration". */
  name: string;
  /** SHA-256 (hex) of the integration's key; the key itself is never stored. */
  keyHash: string;
  intervalSeconds: number;
  createdAt: number;
}

export type IntegrationStatus = 'pending' | 'up' | 'degraded' | 'down';

export type AlertKind =
  | 'down'
  | 'recovered'
  | 'error-spike'
  | 'unauthorised-spike'
  | 'dead-letters-old'
  | 'cloudwatch-alarm';
/** Alerts that open an episode; while it is open the same alert is not sent again. */
export type EpisodeKind = 'down' | 'error-spike' | 'unauthorised-spike' | 'dead-letters-old';

export interface AlertRecord {
  id: string;
  kind: AlertKind;
  at: number;
  text: string;
  /** `sent` when Slack answered ok; `skipped` when the client has no webhook; `failed` with the reason. */
  delivery: 'pending' | 'sent' | 'skipped' | 'failed';
  deliveryReason?: string;
}

export interface Command {
  id: string;
  type: 'replay';
  deadLetterIds?: string[];
  requestedAt: number;
  status: 'pending' | 'done' | 'failed';
  /** When a heartbeat answer last carried it to the integration. */
  offeredAt?: number;
  completedAt?: number;
  count?: number;
  reason?: string;
}

export interface IntegrationState {
  id: string;
  /** Optimistic-concurrency version: every write expects the version it read. */
  version: number;
  status: IntegrationStatus;
  statusSince: number;
  lastHeartbeatAt: number | null;
  intervalSeconds: number;
  lastEventAt: number | null;
  heartbeats: number;
  /** Cumulative `stage.outcome` counts since registration. */
  totals: Record<string, number>;
  /** Cumulative error counts by kind since registration. */
  errorsByKind: Record<string, number>;
  checks: CheckResult[];
  failures: FailureSummary[];
  deadLetters: DeadLetterReport | null;
  deadLettersReportedAt: number | null;
  /** Open alert episodes and when each opened. */
  episodes: Partial<Record<EpisodeKind, number>>;
  alerts: AlertRecord[];
  commands: Command[];
  rejectedPayloads: number;
  lastRejection: { at: number; problems: string[] } | null;
  /**
   * The latest beat ids filed and the minute their counts went into (absent in state written before beat
   * ids): a beat re-sent after a lost answer is recognised here and not counted again.
   */
  beats?: Array<{ id: string; minute: number }>;
  /** The last CloudWatch alarm changes filed (`name|state|at`): SNS redelivers, the alert goes once. */
  alarmKeys?: string[];
}

/** Counts landing in one minute (epoch ms of the minute's start). */
export interface MinuteBucket {
  minute: number;
  events: number;
  errors: number;
  unauthorised: number;
  byKind: Record<string, number>;
}
export type MinuteDelta = Omit<MinuteBucket, 'minute'>;

export const MINUTE = 60_000;
export const minuteOf = (ms: number): number => Math.floor(ms / MINUTE) * MINUTE;
