/**
 * Environments: which stacks a spec deploys, the spec each of them runs (its overlay merged over the
 * top level, nothing of the other environment left in it), and the check that the sandbox and
 * production stacks never share what must differ. Browser-safe (no `process`).
 */
import type { SpecProblem } from './problems.ts';
import type { Environment, EnvironmentOverlay, IntegrationSpec } from './types.ts';

export const ENVIRONMENT_NAMES: readonly Environment[] = ['sandbox', 'production'];

/** Whether an environment's schedules run (both on unless its overlay turns one off). */
export interface EnvironmentSchedules {
  polling: boolean;
  reconcile: boolean;
}

/**
 * The environments the spec deploys, sandbox first: those `environments` lists (an empty overlay `{}`
 * counts), or only the top-level `environment` when the spec has no `environments`.
 */
export function deployedEnvironments(spec: IntegrationSpec): Environment[] {
  if (!spec.environments) return [spec.environment];
  return ENVIRONMENT_NAMES.filter((name) => spec.environments?.[name] !== undefined);
}

export function environmentSchedules(spec: IntegrationSpec, environment: Environment): EnvironmentSchedules {
  const schedules = spec.environments?.[environment]?.schedules;
  return { polling: schedules?.polling !== false, reconcile: schedules?.reconcile !== false };
}

/**
 * The spec one environment's stack runs: its overlay over the top-level values, `environment` set to it,
 * and `environments` dropped, so a sandbox function holds no production URL, app id or parameter name.
 * @example resolveEnvironment(spec, 'production').publicBaseUrl // environments.production.publicBaseUrl ?? publicBaseUrl
 */
export function resolveEnvironment(spec: IntegrationSpec, environment: Environment): IntegrationSpec {
  const { environments, ...rest } = spec;
  const overlay: EnvironmentOverlay = environments?.[environment] ?? {};
  const resolved: IntegrationSpec = structuredClone({ ...rest, environment });
  if (overlay.publicBaseUrl !== undefined) resolved.publicBaseUrl = overlay.publicBaseUrl;
  const hubspot = overlay.hubspot ?? {};
  if (hubspot.appId !== undefined) resolved.hubspot.appId = hubspot.appId;
  if (hubspot.secretParameter !== undefined) resolved.hubspot.secretParameter = hubspot.secretParameter;
  if (hubspot.accessTokenParameter !== undefined)
    resolved.hubspot.accessTokenParameter = hubspot.accessTokenParameter;
  const destination = overlay.destination ?? {};
  if (destination.baseUrl !== undefined) resolved.destination.baseUrl = destination.baseUrl;
  if (destination.auth?.tokenParameter !== undefined)
    resolved.destination.auth.tokenParameter = destination.auth.tokenParameter;
  if (destination.credentials !== undefined)
    resolved.destination.credentials = { ...resolved.destination.credentials, ...destination.credentials };
  if (destination.connection !== undefined)
    resolved.destination.connection = { ...resolved.destination.connection, ...destination.connection };
  if (destination.webhooks?.secretParameter !== undefined && resolved.destination.webhooks)
    resolved.destination.webhooks.secretParameter = destination.webhooks.secretParameter;
  return resolved;
}

/**
 * The spec a process runs, given the `KONGO_ENVIRONMENT` value the stack sets on every function: that
 * environment's resolved spec, or the spec as written when the variable is absent (locally, in tests).
 * Throws when the value names no environment this spec deploys.
 */
export function specForProcess(spec: IntegrationSpec, value: string | undefined): IntegrationSpec {
  if (value === undefined || value === '') return spec;
  const environment = ENVIRONMENT_NAMES.find((name) => name === value);
  if (!environment) {
    throw new Error(
      `KONGO_ENVIRONMENT is ${JSON.stringify(value)}; expected "sandbox" or "production" (the integration stack sets it on every function)`,
    );
  }
  if (!deployedEnvironments(spec).includes(environment)) {
    throw new Error(
      `KONGO_ENVIRONMENT is "${environment}" but spec ${spec.integration.name} deploys only ${deployedEnvironments(spec).join(' and ')}; add environments.${environment} to the spec`,
    );
  }
  return resolveEnvironment(spec, environment);
}

interface Shared {
  what: string;
  /** Where the value comes from: the overlay's pointer when the overlay sets it, else the top level's. */
  pointer: (environment: Environment) => string;
  value: (spec: IntegrationSpec) => string | number | undefined;
  why: string;
}

/** Values that must differ between the sandbox and production stacks, and why. */
function mustDiffer(spec: IntegrationSpec): Shared[] {
  const from = (overlayPath: string[], topLevel: string) => (environment: Environment) => {
    let node: unknown = spec.environments?.[environment];
    for (const key of overlayPath) node = (node as Record<string, unknown> | undefined)?.[key];
    return node === undefined ? topLevel : `/environments/${environment}/${overlayPath.join('/')}`;
  };
  const shared: Shared[] = [
    {
      what: 'the webhook host (publicBaseUrl)',
      pointer: from(['publicBaseUrl'], '/publicBaseUrl'),
      value: (s) => new URL(s.publicBaseUrl).host,
      why: 'HubSpot signs the URL it calls, so only one stack could verify its webhooks, and with a certificate both stacks would claim one domain',
    },
    {
      what: 'the HubSpot app (hubspot.appId)',
      pointer: from(['hubspot', 'appId'], '/hubspot/appId'),
      value: (s) => s.hubspot.appId,
      why: 'an app has one webhook target URL, so one stack would never hear of a change',
    },
    {
      what: "the HubSpot app's client secret (hubspot.secretParameter)",
      pointer: from(['hubspot', 'secretParameter'], '/hubspot/secretParameter'),
      value: (s) => s.hubspot.secretParameter,
      why: 'each stack must read only its own secrets',
    },
    {
      what: 'the HubSpot access token (hubspot.accessTokenParameter)',
      pointer: from(['hubspot', 'accessTokenParameter'], '/hubspot/accessTokenParameter'),
      value: (s) => s.hubspot.accessTokenParameter,
      why: 'both stacks would write to the same portal',
    },
    {
      what: 'the destination (destination.baseUrl)',
      pointer: from(['destination', 'baseUrl'], '/destination/baseUrl'),
      value: (s) => s.destination.baseUrl,
      why: "the sandbox stack would write to production's system",
    },
    {
      what: 'the destination API token (destination.auth.tokenParameter)',
      pointer: from(['destination', 'auth', 'tokenParameter'], '/destination/auth/tokenParameter'),
      value: (s) => s.destination.auth.tokenParameter,
      why: 'each stack must read only its own credentials',
    },
  ];
  if (spec.destination.webhooks) {
    shared.push({
      what: "the destination's webhook secret (destination.webhooks.secretParameter)",
      pointer: from(['destination', 'webhooks', 'secretParameter'], '/destination/webhooks/secretParameter'),
      value: (s) => s.destination.webhooks?.secretParameter,
      why: 'each stack must read only its own secrets',
    });
  }
  const names = new Set([
    ...Object.keys(spec.destination.credentials ?? {}),
    ...ENVIRONMENT_NAMES.flatMap((e) => Object.keys(spec.environments?.[e]?.destination?.credentials ?? {})),
  ]);
  for (const name of [...names].sort()) {
    shared.push({
      what: `the destination credential "${name}" (destination.credentials.${name})`,
      pointer: from(['destination', 'credentials', name], `/destination/credentials/${name}`),
      value: (s) => s.destination.credentials?.[name],
      why: 'each stack must read only its own credentials',
    });
  }
  return shared;
}

/**
 * What `kongo validate` refuses about environments: sandbox and production sharing a webhook host, app,
 * destination or secret; production URLs without https; an overlay for destination webhooks that don't exist.
 */
export function environmentProblems(spec: IntegrationSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const deployed = deployedEnvironments(spec);
  if (spec.environments && deployed.length === 0) {
    problems.push({
      pointer: '/environments',
      message:
        'lists no environment; add "sandbox" and/or "production" (an empty overlay {} deploys the top-level values)',
    });
  }
  for (const environment of deployed) {
    const overlay = spec.environments?.[environment];
    if (overlay?.destination?.webhooks && !spec.destination.webhooks) {
      problems.push({
        pointer: `/environments/${environment}/destination/webhooks`,
        message:
          'sets a webhook secret but the destination sends no webhooks (destination.webhooks is absent)',
      });
    }
  }
  if (deployed.includes('production')) {
    const production = resolveEnvironment(spec, 'production');
    const urls: Array<[string, string, string]> = [
      [
        'publicBaseUrl',
        production.publicBaseUrl,
        spec.environments?.production?.publicBaseUrl
          ? '/environments/production/publicBaseUrl'
          : '/publicBaseUrl',
      ],
      [
        'destination.baseUrl',
        production.destination.baseUrl,
        spec.environments?.production?.destination?.baseUrl
          ? '/environments/production/destination/baseUrl'
          : '/destination/baseUrl',
      ],
    ];
    for (const [, url, pointer] of urls) {
      if (url.startsWith('http://') && spec.environment !== 'production')
        problems.push({ pointer, message: 'production URLs must use https://' });
    }
  }
  if (!deployed.includes('sandbox') || !deployed.includes('production')) return problems;
  const sandbox = resolveEnvironment(spec, 'sandbox');
  const production = resolveEnvironment(spec, 'production');
  for (const check of mustDiffer(spec)) {
    const value = check.value(production);
    if (value === undefined || value !== check.value(sandbox)) continue;
    problems.push({
      pointer: check.pointer('production'),
      message: `sandbox and production share ${check.what} (${String(value)}): ${check.why}`,
      hint: `give environments.production and environments.sandbox each their own value (${check.pointer('sandbox')} is the sandbox's)`,
    });
  }
  return problems;
}
