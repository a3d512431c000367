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
    'The model needs more memory than MAX_MEMORY_PER_MODEL_GB or the device has free. Choose bfloat16 or int8 on the hardware step, another device, or a smaller model.',
  UNSUPPORTED_ARCHITECTURE:
    'Modelport does not run this architecture yet. It runs BERT, DistilBERT, RoBERTa/XLM-R, MPNet, ModernBERT, ' +
    'DeBERTa-v2/v3, GPT-2, Llama, Mistral, Qwen2, Qwen3, Gemma 2, Gemma 3 (text only) and Phi-3 models: pick one of those.',
  UNSUPPORTED_TASK: 'Choose another task in the settings step; the model’s heads do not serve this one.',
  UNSUPPORTED_MODEL_FILES:
    'The repository has no weights Modelport can read (safetensors, pytorch_model.bin or TorchScript), or they are in a form it does not read.',
  UNSAFE_WEIGHTS:
    'The pytorch_model.bin asks for more than tensors (code or objects outside torch’s weights-only allow-list), so it was refused without running anything. Use a revision with model.safetensors.',
  INVALID_CHECKPOINT: 'The weights do not match the model’s config.json. Try another revision.',
  LOAD_FAILED: 'Loading failed; logs/deployment.log has the details.',
  DEPLOYMENT_EXISTS: 'Another deployment is using this id. Go back to Settings and choose another id, or undeploy the other one first.',
  DEPLOYMENT_DECLARED:
    'This deployment is declared in MODELPORT_DEPLOYMENTS (or MODELPORT_DEPLOYMENTS_FILE). Change that setting and restart to remove or replace it.',
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

/**
 * The runtime ends some refusals with every class it runs ("…; supported: A, B, …"); that list reads as a
 * wall, so the text and the list are shown apart.
 */
export function splitSupportedList(message: string): { text: string; supported: string[] } {
  const at = message.indexOf('; supported: ')
  if (at < 0) return { text: message, supported: [] }
  return {
    text: message.slice(0, at),
    supported: message
      .slice(at + '; supported: '.length)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  }
}
