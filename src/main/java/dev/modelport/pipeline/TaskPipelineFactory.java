package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.DecoderModel;
import dev.modelport.runtime.EncoderModel;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.runtime.ModelSpec;
import dev.modelport.runtime.Seq2SeqModel;

import java.nio.file.Path;
import java.util.List;

/**
 * Builds the pipeline of a task over a loaded model: tokenizer, one class per task, a warm-up run,
 * and for an int8 model the measure of its error against float32.
 */
public final class TaskPipelineFactory implements PipelineFactory {

    /**
     * Texts an int8 model runs through float32 and int8 at creating, to report its error (ordinary
     * prose of several lengths; nothing is done for other dtypes).
     */
    static final List<String> QUANTIZATION_SAMPLES = List.of(
            "Modelport warms up this model.",
            "The quick brown fox jumps over the lazy dog, and the dog does not seem to mind at all.",
            "Deploying a model should take one click: pick it, choose the hardware, and it serves requests.",
            "Prices rose by 3.5% in March, while the central bank kept its interest rate unchanged.");

    @Override
    public Task resolveTask(ModelSpec spec, String pipelineTag, String requestedTask) {
        return TaskResolver.resolve(spec, pipelineTag, requestedTask);
    }

    @Override
    public Pipeline create(LoadedModel model, Path snapshotDir, Task task) {
        TaskResolver.check(model.spec(), task);
        SnapshotFiles files = SnapshotFiles.read(snapshotDir, model.spec().config());
        if (task == Task.TEXT_GENERATION) {
            return textGeneration(model, files);
        }
        if (task == Task.TEXT2TEXT_GENERATION || task == Task.SUMMARIZATION || task == Task.TRANSLATION) {
            return text2text(model, files, task);
        }
        EncoderModel encoderModel;
        if (model instanceof EncoderModel encoder) {
            encoderModel = encoder;
        } else if (model instanceof DecoderModel decoder && (task == Task.FEATURE_EXTRACTION || task == Task.SENTENCE_SIMILARITY)) {
            // embeddings from a causal LM's last hidden state (TaskResolver allowed it for this architecture)
            encoderModel = new DecoderEmbeddings(decoder);
        } else {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK,
                    model.spec().architecture() + " is a causal language model; it serves text-generation");
        }
        Vocabulary vocabulary = Vocabulary.of(files);
        StageTimer timer = new StageTimer();
        TextEncoder encoder = TextEncoder.forTexts(files, TokenLimits.maxLength(files, model.spec().facts()), timer);
        Pipeline pipeline = null;
        try {
            PipelineContext context = new PipelineContext(encoderModel, files, vocabulary, encoder, timer);
            pipeline = switch (task) {
                case TEXT_CLASSIFICATION -> new TextClassificationPipeline(context);
                case TOKEN_CLASSIFICATION -> new TokenClassificationPipeline(context);
                case FILL_MASK -> new FillMaskPipeline(context);
                case QUESTION_ANSWERING -> new QuestionAnsweringPipeline(context);
                case FEATURE_EXTRACTION -> new FeatureExtractionPipeline(context);
                case SENTENCE_SIMILARITY -> new SentenceSimilarityPipeline(context);
                case ZERO_SHOT_CLASSIFICATION -> new ZeroShotClassificationPipeline(context,
                        TextEncoder.forPremiseHypothesis(files, TokenLimits.maxLength(files, model.spec().facts()), timer));
                case TEXT_GENERATION -> throw new IllegalStateException("built by textGeneration");
                case TEXT2TEXT_GENERATION, SUMMARIZATION, TRANSLATION -> throw new IllegalStateException("built by text2text");
            };
            pipeline.run(warmUpInput(pipeline), warmUpParameters(pipeline));
            if (encoderModel.dtype().equals("int8")) {
                encoderModel.measureQuantization(context.batch(encoder.encode(QUANTIZATION_SAMPLES)));
            }
            return pipeline;
        } catch (RuntimeException e) {
            if (pipeline != null) {
                pipeline.close();
            } else {
                encoder.close();
            }
            if (e instanceof ModelportException) {
                throw e;
            }
            throw new ModelportException(ErrorCode.LOAD_FAILED, "The warm-up inference failed: " + e.getMessage(), e);
        }
    }

    private static Pipeline textGeneration(LoadedModel model, SnapshotFiles files) {
        if (!(model instanceof DecoderModel decoder)) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK,
                    model.spec().architecture() + " is not loaded as a decoder; text-generation needs a causal language model");
        }
        if (!decoder.hasLmHead()) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK, "the checkpoint of " + model.spec().architecture()
                    + " has no lm_head.weight (a base model saved for embeddings): it serves feature-extraction and"
                    + " sentence-similarity, not text-generation");
        }
        TextGenerationPipeline pipeline = TextGenerationPipeline.create(decoder, files);
        try {
            pipeline.run(TextNode.valueOf("Modelport warms up"), Json.object().put("max_new_tokens", 2));
            pipeline.measureQuantization(String.join(" ", QUANTIZATION_SAMPLES));
            return pipeline;
        } catch (RuntimeException e) {
            pipeline.close();
            if (e instanceof ModelportException) {
                throw e;
            }
            throw new ModelportException(ErrorCode.LOAD_FAILED, "The warm-up inference failed: " + e.getMessage(), e);
        }
    }

    private static Pipeline text2text(LoadedModel model, SnapshotFiles files, Task task) {
        if (!(model instanceof Seq2SeqModel seq2seq)) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK, model.spec().architecture()
                    + " is not an encoder-decoder; " + task.wireName() + " needs one (T5, BART, Marian)");
        }
        Text2TextPipeline pipeline = Text2TextPipeline.create(seq2seq, files, task);
        try {
            pipeline.run(TextNode.valueOf("Modelport warms up this model."),
                    Json.object().put("max_new_tokens", 2).put("num_beams", 1));
            pipeline.measureQuantization(String.join(" ", QUANTIZATION_SAMPLES));
            return pipeline;
        } catch (RuntimeException e) {
            pipeline.close();
            if (e instanceof ModelportException) {
                throw e;
            }
            throw new ModelportException(ErrorCode.LOAD_FAILED, "The warm-up inference failed: " + e.getMessage(), e);
        }
    }

    private static JsonNode warmUpParameters(Pipeline pipeline) {
        if (pipeline instanceof ZeroShotClassificationPipeline) {
            var parameters = Json.object();
            parameters.putArray("candidate_labels").add("software").add("weather");
            return parameters;
        }
        return null;
    }

    private static JsonNode warmUpInput(Pipeline pipeline) {
        String text = "Modelport warms up this model.";
        return switch (pipeline) {
            case FillMaskPipeline fillMask -> TextNode.valueOf("Modelport warms up this " + fillMask.maskToken() + ".");
            case QuestionAnsweringPipeline qa -> Json.object().put("question", "What warms up?").put("context", text);
            case SentenceSimilarityPipeline ss -> {
                var input = Json.object().put("source_sentence", text);
                input.putArray("sentences").add("A model is warming up.");
                yield input;
            }
            default -> TextNode.valueOf(text);
        };
    }
}
