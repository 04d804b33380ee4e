/** The alert notifier port and its Slack adapter: the Notification Centre is the only thing that talks to Slack. */
import { IncomingWebhook } from '@slack/webhook';
import type { ClientRecord } from '../types.ts';
import type { SlackMessageBody } from './messages.ts';

export type DeliveryOutcome =
  | { delivery: 'sent' }
  | { delivery: 'skipped'; reason: string }
  | { delivery: 'failed'; reason: string };

export interface AlertNotifier {
  notify(client: ClientRecord | null, message: SlackMessageBody): Promise<DeliveryOutcome>;
}

export interface SlackNotifierOptions {
  /** Per request; Slack answers in well under a second. Default 5000 ms. */
  timeoutMs?: number;
  /** Retries on 5xx and network errors (never on 4xx). Default 2. */
  retries?: number;
}

/** Posts to each client's incoming-webhook URL through `@slack/webhook`. */
export function slackNotifier(options: SlackNotifierOptions = {}): AlertNotifier {
  const hooks = new Map<string, IncomingWebhook>();
  return {
    async notify(client, message) {
      if (!client?.slackWebhookUrl)
        return { delivery: 'skipped', reason: 'no Slack webhook configured for this client' };
      let hook = hooks.get(client.slackWebhookUrl);
      if (!hook) {
        hook = new IncomingWebhook(client.slackWebhookUrl, {
          timeout: options.timeoutMs ?? 5000,
          retryConfig: { retries: options.retries ?? 2, minTimeout: 200, maxTimeout: 2000 },
        });
        hooks.set(client.slackWebhookUrl, hook);
      }
      try {
        await hook.send({ text: message.text, blocks: message.blocks });
        return { delivery: 'sent' };
      } catch (error) {
        return {
          delivery: 'failed',
          reason: error instanceof Error ? error.message.slice(0, 200) : 'send failed',
        };
      }
    },
  };
}

/** Keeps messages in memory instead of sending them (tests, and a centre with Slack switched off). */
export function memoryNotifier(): AlertNotifier & { sent: Array<{ client: string | null; text: string }> } {
  const sent: Array<{ client: string | null; text: string }> = [];
  return {
    sent,
    async notify(client, message) {
      sent.push({ client: client?.slug ?? null, text: message.text });
      return { delivery: 'sent' };
    },
  };
}
