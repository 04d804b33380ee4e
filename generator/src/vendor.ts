/**
 * Stage "vendor": the client's repository installs Kongo's packages from `npm pack` tarballs in
 * vendor/, so it builds on a fresh machine without our monorepo. `npm pack` is reproducible
 * (fixed mtimes, sorted entries), so `--check` compares the tarballs byte for byte too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Our packages the generated project needs: runtime + infra at run/deploy time, the rest for `kongo`
 * (the generator reads a spec's connector from the connectors catalog; generated code embeds it).
 */
export const VENDORED_PACKAGES = ['cli', 'connectors', 'generator', 'infra', 'runtime', 'templates'] as const;
export type VendoredPackage = (typeof VENDORED_PACKAGES)[number];

/** Sibling package folders: /work/main/<name> in the monorepo, node_modules/@kongo/<name> when installed. */
export function packageDir(name: VendoredPackage): string {
  return fileURLToPath(new URL(`../../${name}/`, import.meta.url));
}

export function packageVersion(name: VendoredPackage): string {
  const manifest = JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** `vendor/kongo-runtime-0.1.0.tgz`: the name `npm pack` gives @kongo/runtime@0.1.0. */
export function tarballPath(name: VendoredPackage): string {
  return `vendor/kongo-${name}-${packageVersion(name)}.tgz`;
}

export interface BinaryFile {
  path: string;
  bytes: Buffer;
}

/** Packs every vendored package (about a second in all). */
export function packVendored(): BinaryFile[] {
  const destination = mkdtempSync(join(tmpdir(), 'kongo-vendor-'));
  try {
    for (const name of VENDORED_PACKAGES) {
      execFileSync('npm', ['pack', packageDir(name), '--pack-destination', destination, '--silent'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    }
    const packed = new Set(readdirSync(destination));
    return VENDORED_PACKAGES.map((name) => {
      const path = tarballPath(name);
      const file = path.slice('vendor/'.length);
      if (!packed.has(file)) throw new Error(`npm pack did not produce ${file}`);
      return { path, bytes: readFileSync(join(destination, file)) };
    });
  } finally {
    rmSync(destination, { recursive: true, force: true });
  }
}
