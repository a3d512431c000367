/**
 * Task pipelines: tokenize, run the model, post-process into the Hugging Face Inference API's
 * shapes. One class per task; {@link dev.modelport.pipeline.PipelineFactory} picks the task and
 * builds it. No HTTP here: inputs and outputs are Jackson trees.
 *
 * <p>Decisions where transformers leaves room:
 * <ul>
 * <li>Inputs are truncated to the model's real limit (see {@code TokenLimits}); a truncation or
 *     padding stored in tokenizer.json never applies. Rows are padded to the batch's longest.</li>
 * <li>Character offsets ({@code start}/{@code end}) are Java string (UTF-16) indices into the input,
 *     so {@code text.substring(start, end)} is the entity or answer even after emoji.</li>
 * <li>token-classification: grouped entities' {@code word} is that text slice (transformers rebuilds
 *     it from tokens, which loses case and spacing in uncased models); {@code none} keeps the token.
 *     Word fusion ({@code first|average|max}) follows transformers: the tokenizer's subword prefix
 *     ({@code ##}) where it has one, else the text's spaces (byte-level BPE, SentencePiece); on top of
 *     transformers' space rule, byte pieces of one character and a bare {@code Ġ} never start a word,
 *     so an emoji or an accented letter is not split into several "words".</li>
 * <li>fill-mask: exactly one mask token per input.</li>
 * <li>question-answering: the question is cut to {@code max_question_len} (64) tokens and never so
 *     far that the context has no more room than the stride; {@code max_seq_len} (384, or the
 *     model's limit) and {@code doc_stride} (128, at most half of it) are fixed per deployment.</li>
 * <li>text-classification answers a list per input, also for {@code top_k} 1.</li>
 * </ul>
 */
package dev.modelport.pipeline;
