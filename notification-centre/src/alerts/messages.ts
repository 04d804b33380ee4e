/** The words of each alert: one Slack message, readable on a phone at 3 a.m., with ids and counts only. */
import type { IncomingWebhookSendArguments } from '@slack/webhook';
import type { AlertKind, IntegrationRecord } from '../types.ts';

type SlackBlocks = NonNullable<IncomingWebhookSendArguments['blocks']>;

/** "2m 5s", "1h 4m", "45s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m}m` : `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d`;
}

/** "14s ago", "1m ago", "3h ago" — as the dashboard shows it. */
export function formatAgo(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ago`;
  return `${Math.floor(h / 24)}d ago`;
}

const clockTime = (ms: number): string => `${new Date(ms).toISOString().slice(11, 19)} UTC`;

export type AlertFacts =
  | { kind: 'down'; silentForMs: number; intervalSeconds: number; lastHeartbeatAt: number }
  | { kind: 'recovered'; downForMs: number }
  | {
      kind: 'error-spike';
      errors: number;
      windowMinutes: number;
      threshold: number;
      topKinds: Array<[string, number]>;
    }
  | { kind: 'unauthorised-spike'; count: number; windowMinutes: number; threshold: number }
  | { kind: 'dead-letters-old'; count: number; oldestAgeMs: number; maxAgeMs: number }
  | { kind: 'cloudwatch-alarm'; name: string; state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA'; at: number };

export interface SlackMessageBody {
  text: string;
  blocks: SlackBlocks;
}

const ICONS: Record<AlertKind, string> = {
  down: ':red_circle:',
  recovered: ':large_green_circle:',
  'error-spike': ':warning:',
  'unauthorised-spike': ':rotating_light:',
  'dead-letters-old': ':hourglass:',
  'cloudwatch-alarm': ':bell:',
};

export function alertText(integration: Pick<IntegrationRecord, 'name' | 'id'>, facts: AlertFacts): string {
  const who = `*${integration.name}* (\`${integration.id}\`)`;
  switch (facts.kind) {
    case 'down':
      return `${ICONS.down} ${who} is down — no heartbeat for ${formatDuration(facts.silentForMs)} (expected every ${facts.intervalSeconds}s). Last heartbeat at ${clockTime(facts.lastHeartbeatAt)}.`;
    case 'recovered':
      return `${ICONS.recovered} ${who} recovered — heartbeats are arriving again after ${formatDuration(facts.downForMs)} down.`;
    case 'error-spike': {
      const top = facts.topKinds.map(([kind, n]) => `${kind} (${n})`).join(', ');
      return `${ICONS['error-spike']} ${who}: ${facts.errors} errors in the last ${facts.windowMinutes} min (alert at ${facts.threshold})${top ? `. Most common: ${top}` : ''}.`;
    }
    case 'unauthorised-spike':
      return `${ICONS['unauthorised-spike']} ${who}: ${facts.count} unauthorised webhook requests in the last ${facts.windowMinutes} min (alert at ${facts.threshold}). A secret may have been rotated on one side only, or someone is probing the endpoint.`;
    case 'cloudwatch-alarm':
      return facts.state === 'ALARM'
        ? `${ICONS['cloudwatch-alarm']} ${who}: CloudWatch alarm \`${facts.name}\` is in ALARM since ${clockTime(facts.at)}. docs/OPERATIONS.md lists what each alarm means and what to do first.`
        : `${ICONS.recovered} ${who}: CloudWatch alarm \`${facts.name}\` is ${facts.state} again since ${clockTime(facts.at)}.`;
    case 'dead-letters-old':
      return `${ICONS['dead-letters-old']} ${who}: ${facts.count} dead letter${facts.count === 1 ? '' : 's'} waiting, the oldest ${formatDuration(facts.oldestAgeMs)} old (alert after ${formatDuration(facts.maxAgeMs)}). Fix the cause, then replay them from the Notification Centre.`;
  }
}

/** Text (for notifications and clients without blocks) plus blocks with a link to the dashboard. */
export function slackMessage(text: string, dashboardUrl: string | null): SlackMessageBody {
  const blocks: SlackBlocks = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  if (dashboardUrl) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `<${dashboardUrl}|Open in the Notification Centre>` }],
    });
  }
  return { text, blocks };
}
