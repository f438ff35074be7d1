import { defineConfig } from 'vitest/config';

// Component and formatting tests: no network, no browser (jsdom).
export default defineConfig({
  test: { environment: 'jsdom', include: ['src/**/*.test.ts', 'src/**/*.test.tsx'] },
});
