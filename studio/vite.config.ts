// Vite build of the studio app into studio/dist (git-ignored). Monaco is split out and loaded lazily.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// esm/vs/, found through a file the package exports (its exports map hides package.json).
const monacoRoot = dirname(
  dirname(createRequire(import.meta.url).resolve('monaco-editor/editor/editor.api')),
);

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  resolve: { alias: [{ find: /^monaco-css\//, replacement: `${monacoRoot}/` }] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 6000,
    reportCompressedSize: false,
    // The Monaco worker plugin is slow by nature; its timing warning is noise in every test run.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  worker: { format: 'es' },
});
