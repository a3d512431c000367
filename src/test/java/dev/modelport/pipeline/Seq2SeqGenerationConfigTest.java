package dev.modelport.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How an encoder-decoder's generation settings are put together (transformers 4.57's pipelines and
 * generate(), and the one decision of ours about a request's max_length); the goldens check the
 * resulting tokens, this checks the rules one by one.
 */
class Seq2SeqGenerationConfigTest {

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final JsonNode T5_CONFIG = json("{\"decoder_start_token_id\": 0, \"eos_token_id\": 1, \"pad_token_id\": 0}");

    private static Seq2SeqGenerationConfig repo(String generationConfig) {
        return Seq2SeqGenerationConfig.ofRepo(generationConfig == null ? Json.NODES.missingNode() : json(generationConfig),
                T5_CONFIG);
    }

    @Test
    void thePipelinesDefaultToFourBeamsAnd256NewTokens() {
        Seq2SeqDecoding d = repo("{\"decoder_start_token_id\": 0, \"eos_token_id\": 1}").forPipeline(null, null).resolve("t");
        assertEquals(4, d.numBeams());
        assertEquals(257, d.maxLength(), "256 new tokens after the decoder start token");
        assertEquals(0, d.decoderStart());
        assertEquals(List.of(1L), d.eos());
    }

    @Test
    void aRepoMaxLengthOtherThan20WinsOverThePipelineDefault() {
        Seq2SeqDecoding d = repo("{\"decoder_start_token_id\": 2, \"eos_token_id\": 2, \"max_length\": 142, \"num_beams\": 6,"
                + " \"min_length\": 56, \"length_penalty\": 2.0, \"early_stopping\": true, \"forced_bos_token_id\": 0}")
                .forPipeline(null, null).resolve("t");
        assertEquals(142, d.maxLength());
        assertEquals(4, d.numBeams(), "the pipeline's num_beams (4) is not the global default, so the repo's 6 does not apply");
        assertEquals(56, d.minLength());
        assertEquals(2.0, d.lengthPenalty());
        assertEquals("true", d.earlyStopping());
        assertEquals(0L, d.forcedBos());
    }

    @Test
    void taskParamsThenTheRequestApply() {
        Seq2SeqGenerationConfig r = repo(null);
        JsonNode task = json("{\"prefix\": \"summarize: \", \"num_beams\": 3, \"max_length\": 200, \"min_length\": 30,"
                + " \"no_repeat_ngram_size\": 3}");
        Seq2SeqDecoding d = r.forPipeline(task, null).resolve("t");
        assertEquals(3, d.numBeams());
        assertEquals(257, d.maxLength(), "as transformers 4.57: its max_new_tokens (256) wins over the task's max_length");
        assertEquals(30, d.minLength());
        assertEquals(3, d.noRepeatNgramSize());
        Seq2SeqDecoding greedy = r.forPipeline(task, json("{\"num_beams\": 1, \"max_new_tokens\": 6}")).resolve("t");
        assertEquals(1, greedy.numBeams());
        assertEquals(7, greedy.maxLength());
    }

    @Test
    void aRequestMaxLengthAloneIsHonoured() {
        Seq2SeqDecoding d = repo(null).forPipeline(null, json("{\"max_length\": 30}")).resolve("t");
        assertEquals(30, d.maxLength(), "our decision: transformers 4.57 would let max_new_tokens 256 win");
        Seq2SeqDecoding both = repo(null).forPipeline(null, json("{\"max_length\": 30, \"max_new_tokens\": 5}")).resolve("t");
        assertEquals(6, both.maxLength(), "max_new_tokens wins when both are given, as in transformers");
    }

    @Test
    void generateCountsTheGlobalDefaultMaxLengthAsNewTokens() {
        assertEquals(21, repo(null).forGenerate(null).resolve("t").maxLength());
        assertEquals(20, repo(null).forGenerate(json("{\"max_length\": 20}")).resolve("t").maxLength(),
                "a max_length given to generate() is the decoder length");
        assertEquals(24, repo("{\"decoder_start_token_id\": 0, \"max_length\": 24}").forGenerate(null).resolve("t").maxLength());
        assertEquals(5, repo(null).forGenerate(json("{\"min_new_tokens\": 4}")).resolve("t").minLength());
    }

    @Test
    void settingsAreCheckedAndTyped() {
        Seq2SeqDecoding d = repo("{\"decoder_start_token_id\": 58100, \"eos_token_id\": 0, \"bad_words_ids\": [[58100], [0], [5, 6]],"
                + " \"forced_eos_token_id\": [0], \"renormalize_logits\": true}").forGenerate(json("{\"early_stopping\": \"never\"}"))
                .resolve("t");
        assertEquals("never", d.earlyStopping());
        assertEquals(2, d.badWords().size(), "a single-token bad word that is eos is dropped, as transformers does");
        assertEquals(List.of(0L), d.forcedEos());
        assertTrue(d.renormalize());
        assertNull(repo(null).forGenerate(null).resolve("t").forcedBos());

        ModelportException beams = assertThrows(ModelportException.class, () ->
                repo(null).forGenerate(json("{\"num_beams\": 2, \"num_return_sequences\": 3}")).resolve("t"));
        assertEquals(ErrorCode.INVALID_INPUT, beams.code());
        ModelportException groups = assertThrows(ModelportException.class, () ->
                repo(null).forPipeline(null, json("{\"num_beam_groups\": 2}")));
        assertEquals(ErrorCode.INVALID_INPUT, groups.code());
        assertEquals(1, repo(null).forPipeline(null, json("{\"num_beam_groups\": 1, \"num_beams\": 1}")).resolve("t").numBeams(),
                "a neutral value of an unimplemented setting is accepted");
        ModelportException repoRefused = assertThrows(ModelportException.class, () ->
                repo("{\"decoder_start_token_id\": 0, \"suppress_tokens\": [5]}"));
        assertEquals(ErrorCode.UNSUPPORTED_MODEL_CONFIG, repoRefused.code());
        assertTrue(repoRefused.getMessage().contains("suppress_tokens"), repoRefused.getMessage());
    }

    @Test
    void withoutGenerationConfigJsonTheGenerationFieldsOfConfigJsonApply() {
        Seq2SeqGenerationConfig r = Seq2SeqGenerationConfig.ofRepo(Json.NODES.missingNode(),
                json("{\"decoder_start_token_id\": 2, \"eos_token_id\": 2, \"num_beams\": 4, \"max_length\": 142,"
                        + " \"d_model\": 1024, \"task_specific_params\": {}}"));
        Seq2SeqDecoding d = r.forGenerate(null).resolve("t");
        assertEquals(4, d.numBeams());
        assertEquals(142, d.maxLength());
        assertEquals(2, d.decoderStart());
    }
}
