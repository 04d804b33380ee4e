/** Default local ports of `npm start`, each overridable by an environment variable (docs/OPERATIONS.md). */
export interface SandboxPorts {
  studio: number;
  notificationCentre: number;
  gateway: number;
  hubspot: number;
  events: number;
  jobs: number;
  dynamo: number;
  slack: number;
}

export const DEFAULT_PORTS: SandboxPorts = {
  studio: 4300,
  notificationCentre: 4310,
  gateway: 4320,
  hubspot: 4330,
  events: 4340,
  jobs: 4350,
  dynamo: 4360,
  slack: 4370,
};

export const PORT_VARIABLES: Record<keyof SandboxPorts, string> = {
  studio: 'KONGO_STUDIO_PORT',
  notificationCentre: 'KONGO_NC_PORT',
  gateway: 'KONGO_GATEWAY_PORT',
  hubspot: 'KONGO_HUBSPOT_PORT',
  events: 'KONGO_EVENTS_PORT',
  jobs: 'KONGO_JOBS_PORT',
  dynamo: 'KONGO_DYNAMO_PORT',
  slack: 'KONGO_SLACK_PORT',
};

/** Read the ports from the environment; a bad value is a clear error naming the variable. */
export function readPorts(env: Record<string, string | undefined> = process.env): SandboxPorts {
  const ports = { ...DEFAULT_PORTS };
  for (const key of Object.keys(PORT_VARIABLES) as Array<keyof SandboxPorts>) {
    const name = PORT_VARIABLES[key];
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`${name}=${raw} is not a port number (0–65535; 0 picks a free port)`);
    }
    ports[key] = port;
  }
  return ports;
}
