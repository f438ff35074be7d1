import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { luohuBoundary } from './vite/luohu-boundary';

// The app is served by the gateway on the same origin (gateway/src/platform/web-app.ts): no CORS, no second server.
// In development, `npm run dev -w @luohu/app` proxies the API to the developer's gateway.
export default defineConfig({
  plugins: [react(), luohuBoundary()],
  resolve: {
    alias: { '@luohu/client': path.resolve(import.meta.dirname, '../gateway/src/client/index.ts') },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: {
      '/v1': `http://127.0.0.1:${Number(process.env.LUOHU_BASE_PORT || 7000) + 80}`,
      '/live': { target: `http://127.0.0.1:${Number(process.env.LUOHU_BASE_PORT || 7000) + 80}`, ws: true },
    },
  },
});
