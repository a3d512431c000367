/**
 * Task pipelines: tokenize, run the model, post-process into the Hugging Face Inference API's
 * shapes. One class per task; {@link dev.modelport.pipeline.PipelineFactory} picks the task and
 * builds it. No HTTP here: inputs and outputs are Jackson trees.
 *
 * <p>Decisions where transformers leaves room:
 * <ul>
 * <li>Inputs are truncated to the model's real limit (see {@code TokenLimits}); a truncation or
 *     padding stored in tokenizer.json never applies. Rows are padded to the batch's longest.</li>
 * <li>Character offsets ({@code start}/{@code end}) are code-point indices into the input, as
 *     Python's and so transformers' are (an emoji counts one); {@code CodePointText} slices by them.</li>
 * <li>token-classification follows transformers 5 exactly: {@code word} is the token for
 *     {@code none}, and the tokenizer's decoding of the tokens ({@code convert_tokens_to_string},
 *     ported in {@code TokenDecoder}) for fused words and groups, so an uncased model's words are
 *     lower-cased, a byte-level model's keep their leading space, and a piece holding part of a
 *     character's bytes is U+FFFD. Word fusion ({@code first|average|max}) uses the tokenizer's
 *     subword prefix ({@code ##}) where it has one, else transformers' fallback heuristic (a token
 *     starts a word when a space touches its start), also for byte-level BPE.</li>
 * <li>fill-mask: exactly one mask token per input.</li>
 * <li>question-answering follows transformers 4.57's spans, word alignment and merging of answers
 *     with the same text. Unlike transformers' fast-tokenizer path, which ignores
 *     {@code max_question_len}, the question is cut to {@code max_question_len} (64) tokens and never so far that the context has
 *     no more room than the stride; {@code max_seq_len} (384, or the model's limit) and
 *     {@code doc_stride} (128, at most half of it) are fixed per deployment.</li>
 * <li>text-classification answers a list per input, also for {@code top_k} 1.</li>
 * </ul>
 */
package dev.modelport.pipeline;
