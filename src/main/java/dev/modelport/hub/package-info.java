/**
 * The Hugging Face Hub client: model info, file selection, resumable sha256-verified downloads and
 * the {@code huggingface_hub}-compatible cache layout. Plain Java (java.net.http), no CDI, no HTTP
 * server types; {@link dev.modelport.hub.ModelHub} is the one entry point the lifecycle uses.
 */
package dev.modelport.hub;
