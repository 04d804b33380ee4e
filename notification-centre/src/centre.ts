/**
 * The Notification Centre's core, free of HTTP and AWS: registers clients and integrations, ingests heartbeats
 * and finished record changes, detects down and recovery, opens and closes alert episodes, queues replay
 * commands and builds the dashboard's views. Everything it needs comes through ports (store, notifier, clock).
 */
import { randomUUID } from 'node:crypto';
import { ERROR_OUTCOMES, type Outcome, TERMINAL_OUTCOMES } from '@kongo/runtime/monitor';
import { type AlertFacts, alertText, formatAgo, slackMessage } from './alerts/messages.ts';
import type { AlertNotifier } from './alerts/notifier.ts';
import {
  type AlertRules,
  DEFAULT_RULES,
  downDeadline,
  effectiveIntervalSeconds,
  isOverdue,
  readConditions,
  windowSum,
} from './alerts/rules.ts';
import { ConfigError, NotFoundError, StateConflictError } from './errors.ts';
import { generateKey, hashKey, keyMatches } from './keys.ts';
import type { AlarmPayload, EventsPayload, HeartbeatPayload } from './schema.ts';
import type { NcStore } from './store/types.ts';
import {
  type AlertRecord,
  type ClientRecord,
  type Clock,
  type Command,
  type IntegrationRecord,
  type IntegrationState,
  type IntegrationStatus,
  MINUTE,
  type MinuteBucket,
  type MinuteDelta,
  minuteOf,
  systemClock,
  type TraceSummary,
} from './types.ts';

const ID = /^[A-Za-z0-9._:-]{1,100}$/;
const HOUR = 60 * MINUTE;
const MAX_ALERTS = 30;
const MAX_FAILURES = 30;
const MAX_COMMANDS = 20;
/** Beat ids remembered per integration: far more than a runtime re-sends (it holds one failed beat). */
const MAX_BEATS = 50;

export interface NotificationCentreOptions {
  store: NcStore;
  notifier?: AlertNotifier;
  clock?: Clock;
  rules?: Partial<AlertRules>;
  /** The dashboard's public URL, linked from Slack messages. */
  publicUrl?: string | null;
  /** Receives one JSON log line per notable thing (stdout by default). */
  logSink?: (line: string) => void;
}

/** Clients and integrations to register at start-up (the config-file form of the admin API). */
export interface NcConfig {
  clients?: Array<{ slug: string; name: string; slackWebhookUrl?: string }>;
  integrations?: Array<{
    id: string;
    clientSlug: string;
    name?: string;
    key: string;
    intervalSeconds?: number;
  }>;
}

export interface IntegrationOverview {
  id: string;
  name: string;
  clientSlug: string;
  clientName: string;
  status: IntegrationStatus;
  statusSince: number;
  lastHeartbeatAt: number | null;
  lastHeartbeatAgo: string | null;
  lastEventAt: number | null;
  lastEventAgo: string | null;
  intervalSeconds: number;
  /** When it counts as down if nothing arrives (null until the first heartbeat). */
  downAt: number | null;
  eventsLastHour: number;
  errorsLastHour: number;
  deadLetterCount: number;
  failingChecks: string[];
  openAlerts: string[];
}

export interface Overview {
  now: number;
  integrations: IntegrationOverview[];
}

export interface IntegrationDetail extends IntegrationOverview {
  /** 60 entries, one per minute of the last hour, oldest first (empty minutes are zeros). */
  minutes: MinuteBucket[];
  errorsByKindLastHour: Record<string, number>;
  errorsByKind: Record<string, number>;
  totals: Record<string, number>;
  checks: IntegrationState['checks'];
  failures: IntegrationState['failures'];
  deadLetters: (NonNullable<IntegrationState['deadLetters']> & { reportedAt: number | null }) | null;
  commands: Command[];
  alerts: AlertRecord[];
  traces: TraceSummary[];
  lastRejection: IntegrationState['lastRejection'];
  rejectedPayloads: number;
}

interface Mutation {
  changed: boolean;
  alerts: AlertFacts[];
}

function bumpAll(target: Record<string, number>, source: Record<string, number>): void {
  for (const [key, n] of Object.entries(source)) target[key] = (target[key] ?? 0) + n;
}

/** Splits `stage.outcome` counters into what the minute plot shows. */
export function minuteDeltaOf(payload: Pick<HeartbeatPayload, 'counters' | 'errorsByKind'>): MinuteDelta {
  const delta: MinuteDelta = { events: 0, errors: 0, unauthorised: 0, byKind: { ...payload.errorsByKind } };
  for (const [key, n] of Object.entries(payload.counters)) {
    const outcome = key.slice(key.indexOf('.') + 1) as Outcome;
    if (TERMINAL_OUTCOMES.has(outcome)) delta.events += n;
    if (outcome === 'unauthorised') delta.unauthorised += n;
    else if (ERROR_OUTCOMES.has(outcome)) delta.errors += n;
  }
  return delta;
}

/** The buckets as they will be once `delta` is added to `minute`. */
function withDelta(buckets: MinuteBucket[], minute: number, delta: MinuteDelta): MinuteBucket[] {
  const current = buckets.find((b) => b.minute === minute);
  const merged: MinuteBucket = {
    minute,
    events: (current?.events ?? 0) + delta.events,
    errors: (current?.errors ?? 0) + delta.errors,
    unauthorised: (current?.unauthorised ?? 0) + delta.unauthorised,
    byKind: { ...current?.byKind },
  };
  bumpAll(merged.byKind, delta.byKind);
  return [...buckets.filter((b) => b.minute !== minute), merged].sort((a, b) => a.minute - b.minute);
}

export class NotificationCentre {
  readonly store: NcStore;
  readonly rules: AlertRules;
  private readonly notifier: AlertNotifier | null;
  private readonly clock: Clock;
  private readonly publicUrl: string | null;
  private readonly logSink: (line: string) => void;

  constructor(options: NotificationCentreOptions) {
    this.store = options.store;
    this.notifier = options.notifier ?? null;
    this.clock = options.clock ?? systemClock;
    this.rules = { ...DEFAULT_RULES, ...options.rules };
    this.publicUrl = options.publicUrl ?? null;
    this.logSink = options.logSink ?? ((line) => process.stdout.write(`${line}\n`));
  }

  now(): number {
    return this.clock.now();
  }

  // ---- registration ------------------------------------------------------------------------------------

  async registerClient(input: {
    slug: string;
    name: string;
    slackWebhookUrl?: string;
  }): Promise<ClientRecord> {
    if (!ID.test(input.slug))
      throw new ConfigError(`Client slug "${input.slug}" must be letters, digits, ._:- (max 100)`);
    if (input.slackWebhookUrl !== undefined && !/^https?:\/\//.test(input.slackWebhookUrl)) {
      throw new ConfigError(`Client ${input.slug}: slackWebhookUrl must be an http(s) URL`);
    }
    const client: ClientRecord = { slug: input.slug, name: input.name || input.slug };
    if (input.slackWebhookUrl) client.slackWebhookUrl = input.slackWebhookUrl;
    await this.store.putClient(client);
    return client;
  }

  /**
   * Registers (or updates) an integration. Without `key` a new one is generated for a new integration and an
   * existing integration keeps its key; the key is returned only here and stored only as a hash.
   */
  async registerIntegration(input: {
    id: string;
    clientSlug: string;
    name?: string;
    key?: string;
    intervalSeconds?: number;
  }): Promise<{ integration: IntegrationRecord; key: string | null }> {
    if (!ID.test(input.id))
      throw new ConfigError(`Integration id "${input.id}" must be letters, digits, ._:- (max 100)`);
    if (!(await this.store.getClient(input.clientSlug))) {
      throw new ConfigError(`Client "${input.clientSlug}" is not registered; register it first`);
    }
    if (input.key !== undefined && input.key.length < 16) {
      throw new ConfigError(`Integration ${input.id}: a key must be at least 16 characters`);
    }
    const existing = await this.store.getIntegration(input.id);
    const key = input.key ?? (existing ? null : generateKey());
    const integration: IntegrationRecord = {
      id: input.id,
      clientSlug: input.clientSlug,
      name: input.name ?? existing?.name ?? input.id,
      keyHash: key === null ? (existing?.keyHash ?? '') : hashKey(key),
      intervalSeconds: Math.max(input.intervalSeconds ?? existing?.intervalSeconds ?? 60, 1),
      createdAt: existing?.createdAt ?? this.now(),
    };
    await this.store.putIntegration(integration);
    return { integration, key };
  }

  async applyConfig(config: NcConfig): Promise<void> {
    for (const client of config.clients ?? []) await this.registerClient(client);
    for (const integration of config.integrations ?? []) await this.registerIntegration(integration);
  }

  /** The integration if `presentedKey` is its key (constant-time), else null — unknown ids look the same. */
  async authenticate(integrationId: string, presentedKey: string): Promise<IntegrationRecord | null> {
    const integration = await this.store.getIntegration(integrationId);
    return keyMatches(presentedKey, integration?.keyHash ?? null) ? integration : null;
  }

  // ---- ingestion ---------------------------------------------------------------------------------------

  /**
   * Files a validated heartbeat; the answer carries the commands still waiting for this integration. A beat
   * whose id was filed before (its answer was lost and the runtime sent it again) still counts as a sign of
   * life, but its counters, failures and minute counts are not added a second time.
   */
  async ingestHeartbeat(
    integration: IntegrationRecord,
    payload: HeartbeatPayload,
  ): Promise<{ status: IntegrationStatus; commands: Array<Omit<Command, 'status' | 'offeredAt'>> }> {
    const now = this.now();
    const minute = minuteOf(now);
    const delta = minuteDeltaOf(payload);
    const hasCounts = delta.events + delta.errors + delta.unauthorised + Object.keys(delta.byKind).length > 0;
    if (payload.traces.length > 0) await this.store.putTraces(integration.id, payload.traces, now);
    const buckets = await this.store.listMinutes(integration.id, minute - HOUR);

    let offered: Command[] = [];
    // The minute this beat's counts belong in: now, or where the first copy of a re-sent beat was filed.
    let countedIn = minute;
    const state = await this.update(integration, (s) => {
      const alerts: AlertFacts[] = [];
      const seen =
        payload.beatId === undefined ? undefined : (s.beats ?? []).find((b) => b.id === payload.beatId);
      countedIn = seen?.minute ?? minute;
      if (s.status === 'down') {
        alerts.push({ kind: 'recovered', downForMs: now - (s.episodes.down ?? s.statusSince) });
        delete s.episodes.down;
      }
      s.lastHeartbeatAt = now;
      s.heartbeats += 1;
      s.intervalSeconds = payload.intervalSeconds;
      const lastTrace = Math.max(0, ...payload.traces.map((t) => t.startedAt));
      const lastEvent = Math.max(s.lastEventAt ?? 0, payload.lastEventAt ?? 0, lastTrace);
      s.lastEventAt = lastEvent > 0 ? lastEvent : null;
      if (!seen) {
        bumpAll(s.totals, payload.counters);
        bumpAll(s.errorsByKind, payload.errorsByKind);
        s.failures = [...s.failures, ...payload.failures].slice(-MAX_FAILURES);
        if (payload.beatId !== undefined)
          s.beats = [...(s.beats ?? []), { id: payload.beatId, minute }].slice(-MAX_BEATS);
      }
      s.checks = payload.checks;
      if (payload.deadLetters) {
        s.deadLetters = payload.deadLetters;
        s.deadLettersReportedAt = now;
      }
      for (const result of payload.commandResults) {
        const command = s.commands.find((c) => c.id === result.id);
        if (command?.status !== 'pending') continue;
        command.status = result.status;
        command.completedAt = now;
        if (result.count !== undefined) command.count = result.count;
        if (result.reason !== undefined) command.reason = result.reason;
      }
      this.setStatus(s, payload.checks.some((c) => !c.ok) ? 'degraded' : 'up', now);
      // The minute buckets get this beat's counts after the state write; the conditions see them already.
      alerts.push(
        ...this.evaluateConditions(s, seen || !hasCounts ? buckets : withDelta(buckets, minute, delta), now),
      );
      offered = s.commands.filter((c) => c.status === 'pending');
      for (const command of offered) command.offeredAt = now;
      return { changed: true, alerts };
    });
    // After the state names the beat, so a crash in between is repaired by the re-sent beat (same minute,
    // and the bucket adds a beat id once).
    if (hasCounts) await this.store.addToMinute(integration.id, countedIn, delta, payload.beatId);
    return {
      status: state.status,
      commands: offered.map(({ status: _s, offeredAt: _o, ...command }) => command),
    };
  }

  /** Files finished record changes for the anatomy view (and the last event time). */
  async ingestEvents(integration: IntegrationRecord, payload: EventsPayload): Promise<{ accepted: number }> {
    const now = this.now();
    if (payload.traces.length === 0) return { accepted: 0 };
    await this.store.putTraces(integration.id, payload.traces, now);
    const latest = Math.max(
      ...payload.traces.map((t) => t.startedAt + t.stages.reduce((s, x) => s + x.durationMs, 0)),
    );
    await this.update(integration, (s) => {
      if ((s.lastEventAt ?? 0) >= latest) return { changed: false, alerts: [] };
      s.lastEventAt = Math.min(latest, now);
      return { changed: true, alerts: [] };
    });
    return { accepted: payload.traces.length };
  }

  /**
   * Files a CloudWatch alarm state change from the integration's stack as an alert (sent to the
   * client's Slack channel like every alert). A repeat of the same alarm, state and time is ignored:
   * SNS delivers at least once.
   */
  async ingestAlarm(integration: IntegrationRecord, payload: AlarmPayload): Promise<{ alerted: boolean }> {
    const { name, state, at } = payload.alarm;
    const key = `${name}|${state}|${at}`;
    let alerted = false;
    await this.update(integration, (s) => {
      s.alarmKeys ??= [];
      if (s.alarmKeys.includes(key)) return { changed: false, alerts: [] };
      s.alarmKeys = [...s.alarmKeys, key].slice(-50);
      alerted = true;
      return { changed: true, alerts: [{ kind: 'cloudwatch-alarm', name, state, at }] };
    });
    return { alerted };
  }

  /** Counts a payload the schema refused, so the dashboard can show that a runtime is sending too much. */
  async recordRejection(integration: IntegrationRecord, problems: string[]): Promise<void> {
    const now = this.now();
    this.log('warn', 'payload rejected', { integrationId: integration.id, count: problems.length });
    await this.update(integration, (s) => {
      s.rejectedPayloads += 1;
      s.lastRejection = { at: now, problems: problems.slice(0, 10) };
      return { changed: true, alerts: [] };
    });
  }

  // ---- commands ----------------------------------------------------------------------------------------

  /** Queues a replay of some (or all) dead letters; the integration picks it up with its next heartbeat. */
  async requestReplay(integrationId: string, deadLetterIds?: string[]): Promise<Command> {
    const integration = await this.requireIntegration(integrationId);
    const command: Command = {
      id: `cmd_${randomUUID()}`,
      type: 'replay',
      requestedAt: this.now(),
      status: 'pending',
    };
    if (deadLetterIds && deadLetterIds.length > 0) command.deadLetterIds = deadLetterIds;
    await this.update(integration, (s) => {
      s.commands = [...s.commands, command].slice(-MAX_COMMANDS);
      return { changed: true, alerts: [] };
    });
    this.log('info', 'replay requested', {
      integrationId,
      commandId: command.id,
      count: deadLetterIds?.length ?? 0,
    });
    return command;
  }

  // ---- the schedule ------------------------------------------------------------------------------------

  /**
   * The scheduled check: marks integrations down after 2× their interval without a heartbeat (one alert per
   * episode) and closes spike episodes whose window has passed. Safe to run concurrently with heartbeats.
   */
  async detectDown(): Promise<{ checked: number; down: string[]; alerts: AlertRecord[] }> {
    const integrations = await this.store.listIntegrations();
    const down: string[] = [];
    const sent: AlertRecord[] = [];
    for (const integration of integrations) {
      const current = await this.store.getState(integration.id);
      if (!current) continue;
      const now = this.now();
      const buckets = await this.store.listMinutes(integration.id, minuteOf(now) - HOUR);
      const before = sent.length;
      await this.update(
        integration,
        (s) => {
          const alerts: AlertFacts[] = [];
          let changed = false;
          if (s.status !== 'down' && isOverdue(s, now, this.rules) && s.lastHeartbeatAt !== null) {
            this.setStatus(s, 'down', now);
            s.episodes.down = now;
            alerts.push({
              kind: 'down',
              silentForMs: now - s.lastHeartbeatAt,
              intervalSeconds: effectiveIntervalSeconds(s, this.rules),
              lastHeartbeatAt: s.lastHeartbeatAt,
            });
            changed = true;
          }
          const episodesBefore = JSON.stringify(s.episodes);
          alerts.push(...this.evaluateConditions(s, buckets, now));
          changed ||= JSON.stringify(s.episodes) !== episodesBefore;
          return { changed, alerts };
        },
        sent,
      );
      if (sent.slice(before).some((a) => a.kind === 'down')) down.push(integration.id);
    }
    return { checked: integrations.length, down, alerts: sent };
  }

  // ---- views -------------------------------------------------------------------------------------------

  async overview(): Promise<Overview> {
    const now = this.now();
    const [integrations, clients] = await Promise.all([
      this.store.listIntegrations(),
      this.store.listClients(),
    ]);
    const names = new Map(clients.map((c) => [c.slug, c.name]));
    const rows = await Promise.all(
      integrations.map(async (integration) => {
        const state = (await this.store.getState(integration.id)) ?? this.initialState(integration);
        const buckets = await this.store.listMinutes(integration.id, minuteOf(now) - HOUR + MINUTE);
        return this.summarise(
          integration,
          names.get(integration.clientSlug) ?? integration.clientSlug,
          state,
          buckets,
          now,
        );
      }),
    );
    return { now, integrations: rows };
  }

  async detail(integrationId: string): Promise<IntegrationDetail> {
    const integration = await this.requireIntegration(integrationId);
    const now = this.now();
    const client = await this.store.getClient(integration.clientSlug);
    const state = (await this.store.getState(integration.id)) ?? this.initialState(integration);
    const from = minuteOf(now) - HOUR + MINUTE;
    const buckets = await this.store.listMinutes(integration.id, from);
    const byMinute = new Map(buckets.map((b) => [b.minute, b]));
    const minutes: MinuteBucket[] = [];
    for (let m = from; m <= minuteOf(now); m += MINUTE) {
      minutes.push(byMinute.get(m) ?? { minute: m, events: 0, errors: 0, unauthorised: 0, byKind: {} });
    }
    const errorsByKindLastHour: Record<string, number> = {};
    for (const bucket of buckets) bumpAll(errorsByKindLastHour, bucket.byKind);
    const deadLetters = state.deadLetters
      ? {
          ...state.deadLetters,
          oldestAgeMs:
            state.deadLetters.oldestAgeMs === null
              ? null
              : state.deadLetters.oldestAgeMs + Math.max(0, now - (state.deadLettersReportedAt ?? now)),
          reportedAt: state.deadLettersReportedAt,
        }
      : null;
    return {
      ...this.summarise(integration, client?.name ?? integration.clientSlug, state, buckets, now),
      minutes,
      errorsByKindLastHour,
      errorsByKind: state.errorsByKind,
      totals: state.totals,
      checks: state.checks,
      failures: [...state.failures].reverse(),
      deadLetters,
      commands: [...state.commands].reverse(),
      alerts: [...state.alerts].reverse(),
      traces: await this.store.listTraces(integration.id, 50, now),
      lastRejection: state.lastRejection,
      rejectedPayloads: state.rejectedPayloads,
    };
  }

  // ---- internals ---------------------------------------------------------------------------------------

  private summarise(
    integration: IntegrationRecord,
    clientName: string,
    state: IntegrationState,
    buckets: MinuteBucket[],
    now: number,
  ): IntegrationOverview {
    // Between scheduled checks an overdue integration already shows as down (the alert waits for the check).
    const status: IntegrationStatus = isOverdue(state, now, this.rules) ? 'down' : state.status;
    return {
      id: integration.id,
      name: integration.name,
      clientSlug: integration.clientSlug,
      clientName,
      status,
      statusSince: state.statusSince,
      lastHeartbeatAt: state.lastHeartbeatAt,
      lastHeartbeatAgo: state.lastHeartbeatAt === null ? null : formatAgo(now - state.lastHeartbeatAt),
      lastEventAt: state.lastEventAt,
      lastEventAgo: state.lastEventAt === null ? null : formatAgo(now - state.lastEventAt),
      intervalSeconds: effectiveIntervalSeconds(state, this.rules),
      downAt: downDeadline(state, this.rules),
      eventsLastHour: windowSum(buckets, now, 60, (b) => b.events),
      errorsLastHour: windowSum(buckets, now, 60, (b) => b.errors + b.unauthorised),
      deadLetterCount: state.deadLetters?.count ?? 0,
      failingChecks: state.checks.filter((c) => !c.ok).map((c) => c.name),
      openAlerts: Object.keys(state.episodes),
    };
  }

  private setStatus(state: IntegrationState, status: IntegrationStatus, now: number): void {
    if (state.status === status) return;
    state.status = status;
    state.statusSince = now;
  }

  /** Opens and closes the spike and dead-letter episodes; returns the alerts for newly opened ones. */
  private evaluateConditions(state: IntegrationState, buckets: MinuteBucket[], now: number): AlertFacts[] {
    const alerts: AlertFacts[] = [];
    for (const reading of readConditions(state, buckets, now, this.rules)) {
      const open = state.episodes[reading.kind] !== undefined;
      if (!open && reading.active) {
        state.episodes[reading.kind] = now;
        if (reading.kind === 'error-spike') {
          const window = this.rules.errorSpike.windowMinutes;
          const kinds: Record<string, number> = {};
          for (const b of buckets.filter((x) => x.minute > minuteOf(now) - window * MINUTE))
            bumpAll(kinds, b.byKind);
          delete kinds.unauthorised;
          const topKinds = Object.entries(kinds)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 3);
          alerts.push({
            kind: 'error-spike',
            errors: reading.value,
            windowMinutes: window,
            threshold: reading.threshold,
            topKinds,
          });
        } else if (reading.kind === 'unauthorised-spike') {
          alerts.push({
            kind: 'unauthorised-spike',
            count: reading.value,
            windowMinutes: this.rules.unauthorisedSpike.windowMinutes,
            threshold: reading.threshold,
          });
        } else {
          alerts.push({
            kind: 'dead-letters-old',
            count: state.deadLetters?.count ?? 0,
            oldestAgeMs: reading.value,
            maxAgeMs: reading.threshold,
          });
        }
      } else if (open && reading.cleared) {
        delete state.episodes[reading.kind];
      }
    }
    return alerts;
  }

  private initialState(integration: IntegrationRecord): IntegrationState {
    return {
      id: integration.id,
      version: 0,
      status: 'pending',
      statusSince: integration.createdAt,
      lastHeartbeatAt: null,
      intervalSeconds: integration.intervalSeconds,
      lastEventAt: null,
      heartbeats: 0,
      totals: {},
      errorsByKind: {},
      checks: [],
      failures: [],
      deadLetters: null,
      deadLettersReportedAt: null,
      episodes: {},
      alerts: [],
      commands: [],
      rejectedPayloads: 0,
      lastRejection: null,
    };
  }

  /**
   * Read-modify-write with optimistic concurrency; alerts opened by the winning write are then sent (so two
   * racing writers can't both send the same alert) and their delivery recorded.
   */
  private async update(
    integration: IntegrationRecord,
    mutate: (state: IntegrationState) => Mutation,
    sentAlerts?: AlertRecord[],
  ): Promise<IntegrationState> {
    for (let attempt = 0; ; attempt++) {
      const stored = await this.store.getState(integration.id);
      const state = stored ?? this.initialState(integration);
      const { changed, alerts } = mutate(state);
      if (!changed) return state;
      const now = this.now();
      const records: AlertRecord[] = alerts.map((facts) => ({
        id: `al_${randomUUID()}`,
        kind: facts.kind,
        at: now,
        text: alertText(integration, facts),
        delivery: 'pending',
      }));
      state.alerts = [...state.alerts, ...records].slice(-MAX_ALERTS);
      try {
        await this.store.putState(state, stored ? stored.version : null);
      } catch (error) {
        if (error instanceof StateConflictError && attempt < 8) continue;
        throw error;
      }
      state.version = (stored?.version ?? 0) + 1;
      for (const record of records) {
        await this.deliver(integration, record);
        sentAlerts?.push(record);
      }
      return state;
    }
  }

  private async deliver(integration: IntegrationRecord, record: AlertRecord): Promise<void> {
    this.log('warn', 'alert', { integrationId: integration.id, kind: record.kind, alertId: record.id });
    if (!this.notifier) {
      record.delivery = 'skipped';
      record.deliveryReason = 'no notifier configured';
    } else {
      const client = await this.store.getClient(integration.clientSlug);
      const url = this.publicUrl
        ? `${this.publicUrl.replace(/\/+$/, '')}/#/i/${encodeURIComponent(integration.id)}`
        : null;
      const outcome = await this.notifier.notify(client, slackMessage(record.text, url));
      record.delivery = outcome.delivery;
      if (outcome.delivery !== 'sent') record.deliveryReason = outcome.reason;
      if (outcome.delivery === 'failed') {
        this.log('error', 'alert not delivered to Slack', {
          integrationId: integration.id,
          reason: outcome.reason,
        });
      }
    }
    // Record how delivery went; a lost race here only loses the delivery note, never the alert.
    try {
      await this.update(integration, (s) => {
        const stored = s.alerts.find((a) => a.id === record.id);
        if (!stored) return { changed: false, alerts: [] };
        stored.delivery = record.delivery;
        if (record.deliveryReason !== undefined) stored.deliveryReason = record.deliveryReason;
        return { changed: true, alerts: [] };
      });
    } catch (error) {
      this.log('warn', 'alert delivery not recorded', {
        integrationId: integration.id,
        reason: String(error),
      });
    }
  }

  private async requireIntegration(id: string): Promise<IntegrationRecord> {
    const integration = await this.store.getIntegration(id);
    if (!integration) throw new NotFoundError(`No integration "${id}" is registered`);
    return integration;
  }

  private log(level: string, msg: string, fields: Record<string, string | number>): void {
    this.logSink(
      JSON.stringify({
        ts: new Date(this.now()).toISOString(),
        level,
        msg,
        service: 'notification-centre',
        ...fields,
      }),
    );
  }
}
