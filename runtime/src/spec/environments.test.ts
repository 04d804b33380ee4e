import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  deployedEnvironments,
  environmentSchedules,
  resolveEnvironment,
  specForProcess,
} from './environments.ts';
import type { IntegrationSpec } from './types.ts';
import { validateSpec } from './validate.ts';

const starterText = (name: string): Record<string, unknown> =>
  JSON.parse(
    readFileSync(
      new URL(`../../../templates/starters/${name}.integration-spec.json`, import.meta.url),
      'utf8',
    ),
  ) as Record<string, unknown>;

function valid(json: unknown): IntegrationSpec {
  const result = validateSpec(json);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.spec;
}

function problemsOf(json: unknown): Array<{ pointer: string; message: string }> {
  const result = validateSpec(json);
  return result.ok ? [] : result.problems;
}

describe('environments', () => {
  const contacts = valid(starterText('contacts-events'));

  it('gives each stack its own overlay and nothing of the other environment', () => {
    const sandbox = resolveEnvironment(contacts, 'sandbox');
    const production = resolveEnvironment(contacts, 'production');
    expect(sandbox.environment).toBe('sandbox');
    expect(production.environment).toBe('production');
    expect([sandbox.publicBaseUrl, production.publicBaseUrl]).toEqual([
      'https://hooks.velflex.example.com',
      'https://hooks.velflex.com',
    ]);
    expect([sandbox.hubspot.appId, production.hubspot.appId]).toEqual([1234567, 1234568]);
    expect(production.hubspot.secretParameter).toBe('/velflex/production/hubspot-client-secret');
    expect(production.destination.auth.tokenParameter).toBe('/velflex/production/destination-api-token');
    expect(production.destination.webhooks?.secretParameter).toBe(
      '/velflex/production/destination-client-secret',
    );
    const sandboxText = JSON.stringify(sandbox);
    for (const productionOnly of [
      'hooks.velflex.com',
      '1234568',
      '/velflex/production/',
      'api.events.velflex.com',
    ])
      expect(sandboxText).not.toContain(productionOnly);
    expect(sandbox).not.toHaveProperty('environments');
    // The declared spec is left as it was.
    expect(contacts.publicBaseUrl).toBe('https://hooks.velflex.example.com');
  });

  it('deploys the listed environments, or only the top-level one when none are listed', () => {
    expect(deployedEnvironments(contacts)).toEqual(['sandbox', 'production']);
    const { environments: _e, ...single } = starterText('contacts-events');
    expect(deployedEnvironments(valid(single))).toEqual(['sandbox']);
    const deals = valid(starterText('deals-jobs'));
    expect(environmentSchedules(deals, 'sandbox')).toEqual({ polling: true, reconcile: false });
    expect(environmentSchedules(deals, 'production')).toEqual({ polling: true, reconcile: true });
  });

  it('runs the environment KONGO_ENVIRONMENT names, and refuses one the spec does not deploy', () => {
    expect(specForProcess(contacts, undefined)).toBe(contacts);
    expect(specForProcess(contacts, 'production').publicBaseUrl).toBe('https://hooks.velflex.com');
    expect(() => specForProcess(contacts, 'staging')).toThrow(/KONGO_ENVIRONMENT is "staging"/);
    const { environments: _e, ...single } = starterText('contacts-events');
    expect(() => specForProcess(valid(single), 'production')).toThrow(/deploys only sandbox/);
  });

  it('refuses a spec whose environments share a webhook host, app, destination or secret', () => {
    const json = starterText('contacts-events');
    json.environments = {
      sandbox: {},
      production: { publicBaseUrl: 'https://hooks.velflex.example.com/prod', hubspot: { appId: 1234567 } },
    };
    const problems = problemsOf(json);
    expect(problems.map((p) => p.pointer)).toEqual([
      '/environments/production/publicBaseUrl',
      '/environments/production/hubspot/appId',
      '/hubspot/secretParameter',
      '/hubspot/accessTokenParameter',
      '/destination/baseUrl',
      '/destination/auth/tokenParameter',
      '/destination/webhooks/secretParameter',
    ]);
    expect(problems[0]?.message).toBe(
      'sandbox and production share the webhook host (publicBaseUrl) (hooks.velflex.example.com): HubSpot signs the URL it calls, so only one stack could verify its webhooks, and with a certificate both stacks would claim one domain',
    );
    expect(problems[4]?.message).toContain("the sandbox stack would write to production's system");
  });

  it('treats a parameter left to its default as shared by both environments', () => {
    const json = starterText('contacts-events');
    const hubspot = json.hubspot as Record<string, unknown>;
    delete hubspot.accessTokenParameter;
    const production = (json.environments as Record<string, Record<string, Record<string, unknown>>>)
      .production as Record<string, Record<string, unknown>>;
    delete (production.hubspot as Record<string, unknown>).accessTokenParameter;
    expect(problemsOf(json)).toEqual([
      expect.objectContaining({
        pointer: '/hubspot/accessTokenParameter',
        message: expect.stringContaining('(/velflex/hubspot-access-token)'),
      }),
    ]);
  });

  it('refuses plain http for production and an overlay for webhooks that do not exist', () => {
    const json = starterText('contacts-events');
    const overlays = json.environments as Record<string, Record<string, unknown>>;
    (overlays.production as Record<string, unknown>).publicBaseUrl = 'http://hooks.velflex.com';
    expect(problemsOf(json)).toEqual([
      { pointer: '/environments/production/publicBaseUrl', message: 'production URLs must use https://' },
    ]);
    // The jobs starter also polls, so it is valid without webhooks — but not with an overlay for them.
    const deals = starterText('deals-jobs');
    delete (deals.destination as Record<string, unknown>).webhooks;
    expect(problemsOf(deals)).toEqual([
      expect.objectContaining({
        pointer: '/environments/production/destination/webhooks',
        message: expect.stringContaining('the destination sends no webhooks'),
      }),
    ]);
  });
});
