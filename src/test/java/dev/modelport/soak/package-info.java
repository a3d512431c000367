/**
 * The soak run (tagged "soak", run by scripts/soak.sh, not by the test suite): the packaged service as a
 * real process under 32 clients for minutes, with deploys and undeploys in between, its errors, latency
 * percentiles and resident memory recorded and judged.
 */
package dev.modelport.soak;
