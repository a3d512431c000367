import { describe, expect, it } from 'vitest'
import { deploymentIdProblem, modelIdProblem, parseModelInput, slugFromModelId } from './modelId'

describe('modelIdProblem', () => {
  it.each([
    'distilbert/distilbert-base-uncased-finetuned-sst-2-english',
    'dslim/bert-base-NER',
    'sentence-transformers/all-MiniLM-L6-v2',
    'a/b',
    'BAAI/bge-small-en-v1.5',
  ])('accepts %s', (id) => expect(modelIdProblem(id)).toBeNull())

  it.each([
    ['', /Enter a model id/],
    ['gpt2', /exactly one/],
    ['a/b/c', /exactly one/],
    ['/name', /organization part/],
    ['org/', /model name part/],
    ['org/na..me', /“\.\.”/],
    ['-org/name', /organization must start/],
    ['org/.name', /model name must start/],
    ['org/na me', /may only contain/],
    ['org/' + 'x'.repeat(97), /longer than 96/],
  ])('rejects %j', (id, message) => expect(modelIdProblem(id)).toMatch(message))
})

describe('deployment ids', () => {
  it('derives the server default slug from the model name', () => {
    expect(slugFromModelId('dslim/bert-base-NER')).toBe('bert-base-ner')
    expect(slugFromModelId('BAAI/bge-small-en-v1.5')).toBe('bge-small-en-v1-5')
    expect(deploymentIdProblem(slugFromModelId('org/' + 'A'.repeat(96)))).toBeNull()
  })

  it('rejects ids the server would refuse', () => {
    expect(deploymentIdProblem('Sentiment')).not.toBeNull()
    expect(deploymentIdProblem('-x')).not.toBeNull()
    expect(deploymentIdProblem('a'.repeat(64))).not.toBeNull()
    expect(deploymentIdProblem('sentiment-2')).toBeNull()
  })
})

describe('parseModelInput', () => {
  it('reads Hub links, with or without scheme, and their revision', () => {
    expect(parseModelInput('https://huggingface.co/dslim/bert-base-NER')).toEqual({ id: 'dslim/bert-base-NER' })
    expect(parseModelInput('  huggingface.co/BAAI/bge-small-en-v1.5?library=transformers ')).toEqual({ id: 'BAAI/bge-small-en-v1.5' })
    expect(parseModelInput('https://hf.co/org/name/tree/v1.0')).toEqual({ id: 'org/name', revision: 'v1.0' })
    expect(parseModelInput('https://huggingface.co/org/name/blob/main/config.json')).toEqual({ id: 'org/name', revision: 'main' })
  })

  it('takes ids as ids and words as a search', () => {
    expect(parseModelInput('org/name')).toEqual({ id: 'org/name' })
    expect(parseModelInput('minilm')).toBeNull()
    expect(parseModelInput('all minilm')).toBeNull()
    expect(parseModelInput('https://huggingface.co/models?search=bert')).toBeNull()
  })
})
