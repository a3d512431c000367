/**
 * Who may call the service: API keys ({@code API_KEY_ENABLED}, {@code API_KEYS}) checked in constant
 * time on every /api and /v1 route, the progress WebSocket, dedicated ports and optionally
 * /q/metrics; CORS switched on from {@code CORS_ORIGINS}. Depends only on config; api and serving
 * call into it.
 */
package dev.modelport.security;
