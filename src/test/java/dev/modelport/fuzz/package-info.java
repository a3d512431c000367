/**
 * Fuzzing the HTTP surface: a seeded generator of random and hostile JSON bodies and path ids, and the
 * property every endpoint must keep under them (no 5xx, no stack trace, the service still answers).
 */
package dev.modelport.fuzz;
