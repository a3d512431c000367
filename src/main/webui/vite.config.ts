/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// Quinoa starts `npm run dev` and proxies to this port; it serves dist/ in test and prod.
const port = Number(process.env.FRONTEND_PORT ?? 5173)

export default defineConfig({
  plugins: [react()],
  server: { port, strictPort: true },
  build: { outDir: 'dist', emptyOutDir: true },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    // the build machine is shared (2 cores, a JVM beside): typing a whole model id can take seconds there
    testTimeout: 30_000,
  },
})
