import { describe, expect, it } from 'vitest'
import { deploymentIdProblem, modelIdProblem, slugFromModelId } from './modelId'

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
