// Wire types of DESIGN.md ("Wire contract"); JSON is snake_case, so these are too.

export type TaskName =
  | 'text-classification'
  | 'token-classification'
  | 'fill-mask'
  | 'question-answering'
  | 'feature-extraction'
  | 'sentence-similarity'
  | 'text-generation'
  | 'zero-shot-classification'
  | 'text2text-generation'
  | 'summarization'
  | 'translation'

export interface ModelFile {
  path: string
  size: number
  selected: boolean
  reason: string | null
}

export interface Preflight {
  model_id: string
  revision: string
  commit: string
  architecture: string | null
  model_type: string | null
  task: string | null
  pipeline_tag: string | null
  library_name: string | null
  supported: boolean
  reason: string | null
  /** The error code a deploy of this model would fail with, when it is not supported. */
  reason_code?: string | null
  gated: boolean
  files: ModelFile[]
  download_bytes: number
  estimated_memory_bytes: number
  /** Estimated weight memory by device kind (`cpu`, `gpu`) and dtype; int8 is CPU only. */
  memory_by_dtype?: Record<string, Record<string, number>>
  has_tokenizer: boolean
  warnings: string[]
  available_tasks: string[]
}

export interface QuantizationError {
  min_cosine: number
  mean_cosine: number
  max_abs_diff: number
  top1_agreement: number
  rows: number
}

export interface Device {
  id: string
  type: string
  name: string
  cores?: number
  memory_bytes: number
  free_memory_bytes: number
}

export interface Limits {
  max_model_size_gb: number
  max_memory_per_model_gb: number
  max_deployments: number
  max_batch_size: number
  max_batch_delay_ms: number
  max_queue_size: number
  inference_timeout_ms: number
  max_input_chars: number
  dedicated_ports_enabled: boolean
  deployment_port_range: string
  default_device: string
  torch_num_threads: number
}

export interface SystemInfo {
  version: string
  devices: Device[]
  engine: { name: string; version: string }
  disk: { path: string; free_bytes: number }
  limits: Limits
  api_key_required: boolean
  /** HF_HUB_OFFLINE: models come from the local cache only. */
  offline?: boolean
  /** config.json model_type values the runtime runs (the families, in short). */
  supported_model_types?: string[]
  /** Every config.json architecture class name it runs. */
  supported_architectures?: string[]
}

/** One model of `GET /api/v1/hub/models`, with the "runs here" hint. */
export interface HubModel {
  model_id: string
  task: string | null
  library_name: string | null
  downloads: number
  likes: number
  gated: boolean
  architecture: string | null
  download_bytes: number | null
  estimated_memory_bytes: number | null
  /** true: every check the listing allows passed; false: one failed (reason); null: not known until picked. */
  runs_here: boolean | null
  reason: string | null
  reason_code: string | null
}

export interface HubSearchResult {
  search: string
  task: string | null
  sort: string
  /** `hub`, or `cache` when HF_HUB_OFFLINE=1. */
  source: 'hub' | 'cache'
  offline: boolean
  message: string | null
  models: HubModel[]
}

export interface DeployRequest {
  model_id: string
  revision: string
  deployment_id: string
  task: string
  device: string
  dtype: string
  max_batch_size: number
  max_batch_delay_ms: number
  dedicated_port: boolean
}

export interface DeployAccepted {
  deployment_id: string
  status: string
  progress: number
  websocket_url: string
  status_url: string
}

export interface ApiErrorBody {
  code: string
  message: string
}

export type DeploymentStatus =
  | 'initializing'
  | 'validating'
  | 'downloading'
  | 'loading'
  | 'creating'
  | 'starting'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'stopped'

export interface Deployment {
  deployment_id: string
  model_id: string
  revision: string
  commit: string | null
  task: string | null
  architecture: string | null
  device: string | null
  dtype: string | null
  /** Why dtype `auto` chose this precision; empty when it was asked for. */
  dtype_reason?: string | null
  /** An int8 deployment's error against float32, measured while it was created. */
  quantization_error?: QuantizationError | null
  status: DeploymentStatus
  progress: number
  message: string | null
  error: ApiErrorBody | null
  endpoint: string | null
  inference_url: string
  files: { path: string; size: number }[]
  memory_bytes: number
  stats: { requests: number; errors: number; avg_latency_ms: number }
  usage_examples: { curl: string; python: string; javascript: string } | null
  /** The deploy request as it was accepted (null fields took the server's defaults). */
  request?: Partial<DeployRequest> | null
  /** A serving text-generation deployment: whether /v1/chat/completions serves it (a chat template). */
  chat_template?: boolean | null
  created_at: string
  updated_at: string
}

export interface ProgressEvent {
  deployment_id: string
  status: DeploymentStatus | 'error'
  progress: number
  timestamp: string
  message: string | null
  file: string | null
  bytes_done: number | null
  bytes_total: number | null
  speed_bytes_per_s: number | null
  eta_s: number | null
  error: ApiErrorBody | null
}

export interface InferenceResponse<T = unknown> {
  status: 'success'
  result: T
  deployment_id: string
  inference_time_ms: number
}
