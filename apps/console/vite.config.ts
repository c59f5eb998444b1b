import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The console is served by the gateway under /console (same origin as the API, so no CORS and no
 * other host). `vite` (the dev server) proxies /v1 to a running gateway: LINLI_API_URL, default
 * http://127.0.0.1:3000.
 */
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  resolve: { conditions: ['@linli/source'] },
  server: {
    port: Number(process.env['CONSOLE_DEV_PORT'] ?? 5173),
    proxy: { '/v1': { target: process.env['LINLI_API_URL'] ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 900,
    reportCompressedSize: false,
  },
});
