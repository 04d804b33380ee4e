// KONGO_CRASH_AT is a test hook: read by the local environment only, never by the AWS one.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { awsEnvironment, createIntegrationRuntime, localEnvironment } from './integration.ts';
import { validateSpec } from './spec/validate.ts';

afterEach(() => {
  delete process.env.KONGO_CRASH_AT;
});

describe('the crash hook', () => {
  it('is never taken from the environment on AWS', () => {
    // A point that doesn't exist would throw if anything read it.
    process.env.KONGO_CRASH_AT = 'after-lunch';
    const spec = validateSpec(
      JSON.parse(
        readFileSync(
          new URL('../../templates/starters/contacts-events.integration-spec.json', import.meta.url),
          'utf8',
        ),
      ),
    );
    if (!spec.ok) throw new Error('starter invalid');
    const environment = awsEnvironment({
      KONGO_CRASH_AT: 'after-lunch',
      KONGO_TABLE_NAME: 'kongo',
      KONGO_WORK_QUEUE_URL: 'https://sqs.ap-southeast-2.amazonaws.com/1/work',
      KONGO_DEAD_LETTER_QUEUE_URL: 'https://sqs.ap-southeast-2.amazonaws.com/1/dlq',
      AWS_REGION: 'ap-southeast-2',
    });
    expect(environment.crash).toBeUndefined();
    expect(() => createIntegrationRuntime({ spec: spec.spec, environment })).not.toThrow();
  });

  it('is read locally, and a wrong point is named', () => {
    const options = { dynamoEndpoint: 'http://127.0.0.1:1', hubspotBaseUrl: 'http://127.0.0.1:2' };
    expect(localEnvironment(options).crash).toBeTypeOf('function');
    process.env.KONGO_CRASH_AT = 'after-lunch';
    expect(() => localEnvironment(options)).toThrow(/KONGO_CRASH_AT=after-lunch is not a crash point/);
  });
});
