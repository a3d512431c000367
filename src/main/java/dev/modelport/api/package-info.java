/**
 * HTTP and WebSocket surface: REST resources under /api/v1, the progress WebSocket, health checks,
 * request validation and the one error mapping (ModelportException → status + error body). Nothing
 * here touches tensors; it calls lifecycle and serving.
 */
package dev.modelport.api;
