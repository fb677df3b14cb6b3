// Test runner configuration: TypeScript tests under test/, never the compiled copies in dist/.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // At least two files at once even on two cores: most files wait on child processes, browsers and
    // sockets rather than compute (one at a time the suite took 608 s on two cores; two at once, 372 s).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
