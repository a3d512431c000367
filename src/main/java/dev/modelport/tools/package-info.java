/**
 * Commands run outside the service, by the container image build: nothing here is part of the running
 * service, and nothing else depends on this package.
 */
package dev.modelport.tools;
