import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Builds the operations dashboard (Preact, TypeScript) into `src/dashboard/dist`, which the
 * gateway serves at `/`. `npx vite --config src/dashboard/vite.config.ts` runs it in development
 * against a gateway on port 7070 (`consortia up`).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: {
    proxy: { '/api': 'http://127.0.0.1:7070', '/metrics': 'http://127.0.0.1:7070' },
  },
});
