/** Secrets by parameter name: the SecretSource port, SSM and local-file adapters, rotation. */
export {
  DEFAULT_SECRETS_FILE,
  LocalFileSecretSource,
  type LocalFileSecretSourceOptions,
} from './local-file.ts';
export { PREVIOUS_SUFFIX, rotatingSecrets } from './rotation.ts';
export { SsmSecretSource, type SsmSecretSourceOptions, type SsmSender } from './ssm.ts';
export { type SecretSource, SecretsError } from './types.ts';
