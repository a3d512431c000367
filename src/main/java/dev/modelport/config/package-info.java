/**
 * Settings and the shared error vocabulary. {@link dev.modelport.config.ModelportConfig} is the one
 * {@code @ConfigMapping} of the service (keys come from {@code .env} via application.properties);
 * {@link dev.modelport.config.ErrorCode} and {@link dev.modelport.config.ModelportException} are the
 * stable error codes every layer raises and the API maps to HTTP statuses.
 */
package dev.modelport.config;
