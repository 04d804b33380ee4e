/** Synthesizes a stack with cdk-nag on, offline, into a temp dir; returns its template. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addNagChecks } from '../nag.ts';

export const NOOP_ENTRY = new URL('./noop-handler.ts', import.meta.url).pathname;

export interface Synthesized<S extends Stack> {
  stack: S;
  template: Template;
  json: string;
  ms: number;
}

/** `build` adds one stack to the app; synth throws on any unacknowledged cdk-nag finding. */
export function synthWithNag<S extends Stack>(build: (app: App) => S): Synthesized<S> {
  const started = performance.now();
  const outdir = mkdtempSync(join(tmpdir(), 'kongo-infra-'));
  try {
    process.env.CDK_DISABLE_CLI_TELEMETRY = 'true';
    const app = new App({ outdir });
    addNagChecks(app);
    const stack = build(app);
    app.synth();
    const template = Template.fromStack(stack);
    return { stack, template, json: JSON.stringify(template.toJSON()), ms: performance.now() - started };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
