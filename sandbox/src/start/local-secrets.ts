/**
 * Local secrets for `npm start`: `.kongo/secrets.json` (git-ignored), keyed by the same SSM
 * parameter names the deployed stack reads. Created on first start with random values; existing
 * values are never overwritten, so a restart keeps webhooks verifiable.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type SecretKind = 'hubspot-client-secret' | 'standard-webhooks' | 'hex' | 'token';

export interface SecretRequest {
  name: string;
  kind: SecretKind;
}

function mint(kind: SecretKind): string {
  switch (kind) {
    case 'hubspot-client-secret':
      // HubSpot client secrets are UUID-shaped.
      return [8, 4, 4, 4, 12].map((n) => randomBytes(n).toString('hex').slice(0, n)).join('-');
    case 'standard-webhooks':
      return `whsec_${randomBytes(24).toString('base64')}`;
    case 'hex':
      return randomBytes(32).toString('hex');
    case 'token':
      return `sk_test_${randomBytes(18).toString('hex')}`;
  }
}

/** Read the file (or {}), add any missing secrets, write it back with mode 600. */
export function ensureLocalSecrets(file: string, wanted: SecretRequest[]): Record<string, string> {
  let secrets: Record<string, string> = {};
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    try {
      secrets = JSON.parse(text) as Record<string, string>;
    } catch (error) {
      throw new Error(`${file} is not valid JSON (${(error as Error).message}); fix or delete it`);
    }
  }
  let changed = !existsSync(file);
  for (const { name, kind } of wanted) {
    if (typeof secrets[name] !== 'string' || secrets[name] === '') {
      secrets[name] = mint(kind);
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return secrets;
}

/** Set one secret (e.g. a real portal's token given on the command line), keeping the others. */
export function setLocalSecret(file: string, name: string, value: string): void {
  const secrets = ensureLocalSecrets(file, []);
  if (secrets[name] === value) return;
  secrets[name] = value;
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}
