// Test runner configuration: TypeScript tests under test/, never the compiled copies in dist/.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // At least two files at once even on two cores: most files wait on browsers, child processes and
    // sockets rather than compute (one at a time the suite took 919 s on two cores, which would put CI's
    // two Node lines past its 30 minutes; two at once took 372 s of 608 s when last measured).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
