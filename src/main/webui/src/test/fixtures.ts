import type { Deployment, Preflight, SystemInfo } from '../api/types'

export const system: SystemInfo = {
  version: '0.1.0',
  devices: [{ id: 'cpu', type: 'cpu', name: 'Test CPU', cores: 2, memory_bytes: 24e9, free_memory_bytes: 16e9 }],
  engine: { name: 'PyTorch', version: '2.7.1' },
  disk: { path: './huggingface_cache', free_bytes: 50e9 },
  limits: {
    max_model_size_gb: 10,
    max_memory_per_model_gb: 16,
    max_deployments: 10,
    max_batch_size: 16,
    max_batch_delay_ms: 5,
    max_queue_size: 256,
    inference_timeout_ms: 30000,
    max_input_chars: 100000,
    dedicated_ports_enabled: true,
    deployment_port_range: '8100-8200',
    default_device: 'auto',
    torch_num_threads: 0,
  },
  api_key_required: false,
  offline: false,
  supported_model_types: ['bert', 'distilbert', 'gpt2', 'llama', 'mistral', 'qwen2', 'roberta', 'xlm-roberta'],
  supported_architectures: ['BertForMaskedLM', 'LlamaForCausalLM', 'Qwen2ForCausalLM'],
}

export const preflight: Preflight = {
  model_id: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english',
  revision: 'main',
  commit: 'a'.repeat(40),
  architecture: 'DistilBertForSequenceClassification',
  model_type: 'distilbert',
  task: 'text-classification',
  pipeline_tag: 'text-classification',
  library_name: 'transformers',
  supported: true,
  reason: null,
  gated: false,
  files: [
    { path: 'config.json', size: 629, selected: true, reason: null },
    { path: 'model.safetensors', size: 267832560, selected: true, reason: null },
    { path: 'tf_model.h5', size: 267949840, selected: false, reason: 'TensorFlow weights are never used' },
  ],
  download_bytes: 267833189,
  estimated_memory_bytes: 290e6,
  has_tokenizer: true,
  warnings: [],
  available_tasks: ['text-classification', 'feature-extraction'],
}

export function deployment(over: Partial<Deployment> = {}): Deployment {
  return {
    deployment_id: 'sentiment',
    model_id: preflight.model_id,
    revision: 'main',
    commit: preflight.commit,
    task: 'text-classification',
    architecture: 'DistilBertForSequenceClassification',
    device: 'cpu',
    dtype: 'float32',
    status: 'completed',
    progress: 100,
    message: 'Ready',
    error: null,
    endpoint: null,
    inference_url: '/api/v1/deployments/sentiment/inference',
    files: [],
    memory_bytes: 0,
    stats: { requests: 0, errors: 0, avg_latency_ms: 0 },
    usage_examples: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...over,
  }
}

export type Handler = (method: string, url: URL, body: unknown) => { status: number; body: unknown } | undefined

/** A fetch that answers from a handler, recording each request. */
export function fakeFetch(handler: Handler) {
  const calls: { method: string; url: URL; body: unknown }[] = []
  const fn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost')
    const method = init?.method ?? 'GET'
    const body = init?.body ? JSON.parse(String(init.body)) : undefined
    calls.push({ method, url, body })
    const answer = handler(method, url, body) ?? { status: 404, body: { status: 'error', error: { code: 'NOT_FOUND', message: 'no route' } } }
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'Content-Type': 'application/json' },
    })
  }
  return { fn, calls }
}
