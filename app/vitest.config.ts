import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Component and formatting tests: no network, no browser (jsdom).
export default defineConfig({
  resolve: {
    alias: { '@luohu/client': path.resolve(import.meta.dirname, '../gateway/src/client/index.ts') },
  },
  test: { environment: 'jsdom', include: ['src/**/*.test.ts', 'src/**/*.test.tsx'] },
});
