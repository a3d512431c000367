/** Benchmarks of the whole service (tagged "benchmark", run by scripts/bench.sh, not by the test suite). */
package dev.modelport.bench;
