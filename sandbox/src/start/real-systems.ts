/**
 * The simulators of real systems behind catalog connectors (Zoom, ServiceM8, Jobber, Webex Events), as
 * `npm start` and Run locally serve them: started on first use (a spec naming the connector loads, or
 * `KONGO_REAL_SIMS=1`), state under .kongo/, each with the credentials a spec's secrets must hold
 * and a way to subscribe the integration's webhook URL. Provider names live here, in the sandbox, never
 * in the runtime.
 */
import { join } from 'node:path';

/** What the sandbox needs of one real-system simulator serving one catalog connector. */
export interface RealSystem {
  /** Display name (`Zoom simulator`). */
  label: string;
  /** The simulator's root URL. */
  url: string;
  /** What replaces the connector's base URL (its API root on the simulator). */
  baseUrl: string;
  /**
   * The value each of the connector's credentials must hold for this simulator (by credential name).
   * A rotating refresh token is minted fresh (`fresh`) whenever the stored one is not live.
   */
  credentials: Record<string, string>;
  /** Credentials a fresh grant replaces on every load (a rotating refresh token). */
  fresh?: () => Record<string, string>;
  /**
   * The webhook secret this simulator signs with when the API fixes it (Jobber: the app's client
   * secret); undefined = the integration's own secret is given to the subscription.
   */
  webhookSecret?: string;
  /** Subscribes the integration's destination webhook URL (absent: the API sends no webhooks). */
  subscribe?(url: string, secret: string): Promise<void>;
  /** Whether the integration's webhook URL is subscribed (absent: the API sends no webhooks). */
  subscribed?(url: string): boolean;
  /** Removes every subscription whose URL starts with `prefix` and `keep` does not accept. */
  forget(keep: (url: string) => boolean, prefix: string): void;
  close(): Promise<void>;
}

interface Registry {
  add(subscription: { url: string; secret: string }): unknown;
  list(): Array<{ id: string; url: string; secret: string }>;
  remove(id: string): unknown;
}

function forgetter(registry: Registry) {
  return (keep: (url: string) => boolean, prefix: string) => {
    for (const sub of registry.list())
      if (sub.url.startsWith(prefix) && !keep(sub.url)) registry.remove(sub.id);
  };
}

/** Adds `url` with `secret` unless present with that secret (a changed secret replaces it). */
function subscribeIn(registry: Registry, url: string, secret: string): void {
  for (const existing of registry.list())
    if (existing.url === url && existing.secret !== secret) registry.remove(existing.id);
  if (!registry.list().some((sub) => sub.url === url)) registry.add({ url, secret });
}

/** Connector id → starts its simulator. */
const STARTERS: Record<string, (stateFile: string | undefined) => Promise<RealSystem>> = {
  'zoom-meeting-registrants': async (stateFile) => {
    const { startZoomSimulator } = await import('../zoom/index.ts');
    const zoom = await startZoomSimulator(stateFile ? { stateFile } : {});
    return {
      label: 'Zoom simulator',
      url: zoom.url,
      baseUrl: zoom.apiUrl,
      credentials: { clientId: zoom.credentials.clientId, clientSecret: zoom.credentials.clientSecret },
      subscribe: async (url, secret) => subscribeIn(zoom.subscriptions, url, secret),
      subscribed: (url) => zoom.subscriptions.list().some((sub) => sub.url === url),
      forget: forgetter(zoom.subscriptions),
      close: () => zoom.close(),
    };
  },
  'servicem8-jobs': async (stateFile) => {
    const { startServiceM8Simulator } = await import('../servicem8/index.ts');
    const sm8 = await startServiceM8Simulator(stateFile ? { stateFile } : {});
    return {
      label: 'ServiceM8 simulator',
      url: sm8.url,
      baseUrl: sm8.apiUrl,
      credentials: { apiKey: sm8.apiKey },
      // Unsigned: the callback URL carries the secret token, and ServiceM8 verifies it with a challenge.
      async subscribe(url, secret) {
        const callback = `${url}?token=${encodeURIComponent(secret)}`;
        if (sm8.subscriptions.list().some((sub) => sub.url === callback)) return;
        for (const sub of sm8.subscriptions.list())
          if (sub.url.startsWith(`${url}?`)) sm8.subscriptions.remove(sub.id);
        const response = await fetch(`${sm8.url}/_admin/subscriptions`, {
          method: 'POST',
          body: JSON.stringify({ url: callback }),
        });
        if (response.status !== 201)
          throw new Error(`ServiceM8 simulator refused the subscription: ${await response.text()}`);
      },
      subscribed: (url) => sm8.subscriptions.list().some((sub) => sub.url.startsWith(`${url}?`)),
      forget: forgetter(sm8.subscriptions),
      close: () => sm8.close(),
    };
  },
  'jobber-clients': async (stateFile) => {
    const { startJobberSimulator } = await import('../jobber/index.ts');
    const jobber = await startJobberSimulator(stateFile ? { stateFile } : {});
    return {
      label: 'Jobber simulator',
      url: jobber.url,
      baseUrl: jobber.url,
      credentials: { clientId: jobber.app.clientId, clientSecret: jobber.app.clientSecret },
      fresh: () => ({ refreshToken: jobber.install() }),
      // Jobber signs webhooks with the app's OAuth client secret.
      webhookSecret: jobber.app.clientSecret,
      subscribe: async (url, secret) => subscribeIn(jobber.subscriptions, url, secret),
      subscribed: (url) => jobber.subscriptions.list().some((sub) => sub.url === url),
      forget: forgetter(jobber.subscriptions),
      close: () => jobber.close(),
    };
  },
  'webex-events-attendees': async (stateFile) => {
    const { startWebexEventsSimulator } = await import('../webex-events/index.ts');
    const webex = await startWebexEventsSimulator(stateFile ? { stateFile } : {});
    return {
      label: 'Webex Events simulator',
      url: webex.url,
      baseUrl: webex.url,
      credentials: { token: webex.token },
      forget: () => {},
      close: () => webex.close(),
    };
  },
};

/** State file names under .kongo/ (as `kongo sim` and earlier sessions named them). */
const STATE_FILES: Record<string, string> = {
  'zoom-meeting-registrants': 'zoom',
  'servicem8-jobs': 'servicem8',
  'jobber-clients': 'jobber',
  'webex-events-attendees': 'webex-events',
};

/** Catalog connector ids a sandbox simulator serves. */
export const REAL_SYSTEM_CONNECTORS = Object.keys(STARTERS).sort();

/** Starts each real-system simulator once, on first use. */
export function realSystems(options: { stateDir: string; inMemory?: boolean }) {
  const started = new Map<string, Promise<RealSystem>>();
  return {
    /** The simulator serving connector `id`, started now if needed; undefined when none does. */
    for(id: string): Promise<RealSystem> | undefined {
      const start = STARTERS[id];
      if (!start) return undefined;
      let running = started.get(id);
      if (!running) {
        const file = options.inMemory ? undefined : join(options.stateDir, `${STATE_FILES[id] ?? id}.json`);
        running = start(file);
        started.set(id, running);
      }
      return running;
    },
    /** Every simulator (starting the ones not yet running), for `KONGO_REAL_SIMS=1`. */
    async all(): Promise<RealSystem[]> {
      const out: RealSystem[] = [];
      for (const id of REAL_SYSTEM_CONNECTORS) {
        const running = this.for(id);
        if (running) out.push(await running);
      }
      return out;
    },
    /** The ones running now. */
    async running(): Promise<RealSystem[]> {
      return Promise.all(started.values());
    },
    async close(): Promise<void> {
      for (const running of started.values()) await (await running).close();
      started.clear();
    },
  };
}

export type RealSystems = ReturnType<typeof realSystems>;
