/**
 * Browser end-to-end tests of the web UI: the Quarkus test service serves the built React app (Quinoa)
 * and the API against a Hub stand-in on 127.0.0.1, and Debian's Chromium drives it through Playwright.
 */
package dev.modelport.ui;
