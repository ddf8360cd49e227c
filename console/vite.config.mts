import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The support console, built to static files the api serves at /console (src/http/console-assets.ts).
 * JSX is compiled by Vite's own transformer (automatic runtime); no React plugin is needed for a
 * production build, and `vite dev` is not part of the workflow (the api serves the build).
 */
export default defineConfig({
  root,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      // React Query marks modules "use client" for server-component bundlers; meaningless in a browser-only build.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
