// What a person can do about each error code (codes from ErrorCode.java).
const HELP: Record<string, string> = {
  MODEL_NOT_FOUND:
    'Check the model id for typos on huggingface.co. Private models also answer “not found” without a token: set HF_TOKEN.',
  REVISION_NOT_FOUND: 'Use an existing branch, tag or commit of the model (usually “main”).',
  FILE_NOT_FOUND: 'The repository lacks a file the model needs; pick another revision or model.',
  GATED_MODEL:
    'Accept the model’s terms on its Hugging Face page, then set HF_TOKEN in .env to a token of that account and restart Modelport.',
  NOT_IN_CACHE:
    'HF_HUB_OFFLINE=1 is set and the model is not in the cache. Turn offline mode off once to download it.',
  HUB_UNAVAILABLE:
    'The Hugging Face Hub did not answer. Check the network or HF_ENDPOINT, then try again.',
  DOWNLOAD_FAILED: 'The download broke off. Deploy again: finished files are reused and partial ones resume.',
  DOWNLOAD_TIMEOUT:
    'The download stalled. Check the network, or raise MAX_DOWNLOAD_TIMEOUT / DOWNLOAD_STALL_TIMEOUT, then deploy again.',
  CHECKSUM_MISMATCH: 'A downloaded file did not match its checksum and was discarded. Deploy again.',
  DISK_FULL: 'Free disk space where HF_HUB_CACHE points, or point it at a larger disk.',
  MODEL_TOO_LARGE: 'The model exceeds MAX_MODEL_SIZE_GB. Choose a smaller model or raise the limit in .env.',
  MEMORY_LIMIT_EXCEEDED:
    'The model needs more memory than MAX_MEMORY_PER_MODEL_GB or the device has free. Use float16, another device, or a smaller model.',
  UNSUPPORTED_ARCHITECTURE:
    'Modelport does not implement this architecture yet. BERT, DistilBERT, RoBERTa/XLM-R, GPT-2, Llama, Mistral, Qwen2, Qwen3, ' +
    'Gemma 2, Gemma 3 (text only) and Phi-3 models work.',
  UNSUPPORTED_TASK: 'Choose another task in the settings step; the model’s heads do not serve this one.',
  UNSUPPORTED_MODEL_FILES: 'The repository has no safetensors or TorchScript weights Modelport can read.',
  INVALID_CHECKPOINT: 'The weights do not match the model’s config.json. Try another revision.',
  LOAD_FAILED: 'Loading failed; logs/deployment.log has the details.',
  DEPLOYMENT_EXISTS: 'A deployment with this id exists. Choose another deployment id, or undeploy the old one.',
  TOO_MANY_DEPLOYMENTS: 'MAX_DEPLOYMENTS is reached. Undeploy a model first.',
  NO_FREE_PORT: 'All dedicated ports are taken. Turn the dedicated port off or widen DEPLOYMENT_PORT_RANGE.',
  INVALID_MODEL_ID: 'Use the form organization/model-name.',
  INVALID_DEPLOYMENT_ID: 'Use lower-case letters, digits and “-”.',
  UNAUTHORIZED: 'Enter a valid API key (key button at the top right).',
  CANCELLED: 'The deployment was cancelled. Start it again from the wizard when you want.',
  INTERRUPTED: 'The service stopped during the deployment. Deploy again.',
  NETWORK_ERROR: 'The browser cannot reach Modelport. Check that the service runs.',
}

export function errorHelp(code: string | undefined | null): string {
  return (code && HELP[code]) || 'Try again; if it persists, logs/deployment.log has the details.'
}
