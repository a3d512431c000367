import type { TaskName } from '../api/types'

export const TASK_LABELS: Record<TaskName, string> = {
  'text-classification': 'Text classification',
  'token-classification': 'Named entities',
  'fill-mask': 'Fill mask',
  'question-answering': 'Question answering',
  'feature-extraction': 'Embeddings',
  'sentence-similarity': 'Sentence similarity',
  'text-generation': 'Text generation',
  'zero-shot-classification': 'Zero-shot classification',
  'text2text-generation': 'Text-to-text generation',
  summarization: 'Summarization',
  translation: 'Translation',
}

export function taskLabel(task: string | null | undefined): string {
  return (task && TASK_LABELS[task as TaskName]) || task || '—'
}

export interface Suggestion {
  modelId: string
  task: TaskName
  note: string
}

/** Well-known small models, one or two per task, that Modelport's architectures cover. */
export const SUGGESTIONS: Suggestion[] = [
  { modelId: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english', task: 'text-classification', note: 'Sentiment, 268 MB' },
  { modelId: 'cardiffnlp/twitter-roberta-base-sentiment-latest', task: 'text-classification', note: 'Tweet sentiment, RoBERTa' },
  { modelId: 'dslim/bert-base-NER', task: 'token-classification', note: 'People, places, organizations' },
  { modelId: 'google-bert/bert-base-uncased', task: 'fill-mask', note: 'The original BERT' },
  { modelId: 'FacebookAI/roberta-base', task: 'fill-mask', note: 'RoBERTa, <mask> token' },
  { modelId: 'distilbert/distilbert-base-cased-distilled-squad', task: 'question-answering', note: 'Extractive QA on SQuAD' },
  { modelId: 'sentence-transformers/all-MiniLM-L6-v2', task: 'sentence-similarity', note: '384-d embeddings, 90 MB' },
  { modelId: 'sentence-transformers/all-mpnet-base-v2', task: 'sentence-similarity', note: 'MPNet, 768-d embeddings' },
  { modelId: 'cross-encoder/ms-marco-MiniLM-L6-v2', task: 'text-classification', note: 'Reranker (cross-encoder), /rerank' },
  { modelId: 'MoritzLaurer/DeBERTa-v3-base-mnli-fever-anli', task: 'zero-shot-classification', note: 'DeBERTa-v3 NLI, any labels' },
  { modelId: 'answerdotai/ModernBERT-base', task: 'fill-mask', note: 'ModernBERT, 8k context' },
  { modelId: 'BAAI/bge-small-en-v1.5', task: 'feature-extraction', note: 'Retrieval embeddings' },
  { modelId: 'Qwen/Qwen3-Embedding-0.6B', task: 'feature-extraction', note: 'Qwen3 embeddings, instruction prompts' },
  { modelId: 'openai-community/gpt2', task: 'text-generation', note: 'GPT-2 small, 548 MB' },
  { modelId: 'Qwen/Qwen3-0.6B', task: 'text-generation', note: 'Qwen3 chat model, 1.5 GB' },
  { modelId: 'google/gemma-3-1b-it', task: 'text-generation', note: 'Gemma 3 text, gated (needs HF_TOKEN)' },
  { modelId: 'microsoft/Phi-3-mini-4k-instruct', task: 'text-generation', note: 'Phi-3 mini, 7.6 GB' },
  { modelId: 'facebook/bart-large-cnn', task: 'summarization', note: 'BART news summaries, 1.6 GB' },
  { modelId: 'google-t5/t5-small', task: 'translation', note: 'T5, English to German/French, 242 MB' },
  { modelId: 'google/flan-t5-base', task: 'text2text-generation', note: 'Flan-T5, follows instructions, 990 MB' },
]
