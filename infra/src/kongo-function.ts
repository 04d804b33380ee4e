/**
 * One Lambda function the Kongo way: Node.js 22 on ARM64, bundled by the local esbuild (no Docker)
 * into a minified ESM file, its own role (no managed policies) and its own log group with a
 * retention, so every permission it has is one a reviewer can read in the template.
 */
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The runtime every Kongo function runs on; pinned so a CDK upgrade never moves it silently. */
export const KONGO_LAMBDA_RUNTIME = lambda.Runtime.NODEJS_22_X;
export const KONGO_LAMBDA_ARCHITECTURE = lambda.Architecture.ARM_64;

/** Where esbuild resolves packages and which lock file keys the asset hash. */
export interface BundlingRoots {
  /** Folder holding node_modules (the client's repository root). */
  projectRoot?: string;
  /** package-lock.json in projectRoot. */
  depsLockFilePath?: string;
}

export interface KongoFunctionProps extends BundlingRoots {
  /** Absolute path of the TypeScript entry file. */
  entry: string;
  /** Exported function name in the entry. @default 'handler' */
  handler?: string;
  description: string;
  timeout: Duration;
  /** MB. @default 256 */
  memorySize?: number;
  environment: Record<string, string>;
  /** Log retention; one month keeps two billing cycles of evidence without hoarding. */
  logRetention?: logs.RetentionDays;
  removalPolicy?: RemovalPolicy;
  /**
   * Bundle `form-data` as a stub (src/stubs/form-data.cjs). Only for bundles whose sole form-data
   * user is @hubspot/api-client's multipart check — the integration handlers. @default false
   */
  stubFormData?: boolean;
}

/** The package path esbuild substitutes for `form-data` when `stubFormData` is set. */
export const FORM_DATA_STUB = '@kongo/infra/stubs/form-data';

export class KongoFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: KongoFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.description}`,
    });
    // Only its own log group: CreateLogStream + PutLogEvents, no logs:* and no managed policy.
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: props.handler ?? 'handler',
      description: props.description,
      runtime: KONGO_LAMBDA_RUNTIME,
      architecture: KONGO_LAMBDA_ARCHITECTURE,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: props.environment,
      ...(props.projectRoot === undefined ? {} : { projectRoot: props.projectRoot }),
      ...(props.depsLockFilePath === undefined ? {} : { depsLockFilePath: props.depsLockFilePath }),
      bundling: {
        forceDockerBundling: false,
        minify: true,
        sourceMap: false,
        target: 'node22',
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        // ESM output still meets CommonJS dependencies (the HubSpot client); give them `require`.
        banner:
          "import { createRequire as __kongoCreateRequire } from 'node:module'; const require = __kongoCreateRequire(import.meta.url);",
        // The AWS SDK is bundled in, not taken from the Lambda runtime: one file loads about three
        // times faster than the runtime's hundreds of SDK files (test/bench/generator.bench.ts), and
        // the SDK version is the one the tests ran against.
        externalModules: [],
        esbuildArgs: {
          '--legal-comments': 'none',
          // Why: @hubspot/api-client's transport requires form-data (→ mime-types → mime-db, ~150 KB
          // minified) only for an `instanceof FormData` test before multipart uploads, which Kongo
          // never makes: every HubSpot call goes through the runtime's own fetch layer. The stub
          // keeps worker bundles under 1 MB; it throws if anything ever constructs a FormData.
          // test/bench/generator.bench.ts loads such a bundle and calls the HubSpot simulator.
          ...(props.stubFormData ? { '--alias:form-data': FORM_DATA_STUB } : {}),
        },
      },
    });
  }
}
