/**
 * A real Hugging Face Hub stand-in for tests ({@link dev.modelport.testing.hub.FakeHub}): an HTTP
 * server on 127.0.0.1 serving repos from a folder, with switchable network faults and counters.
 */
package dev.modelport.testing.hub;
