package dev.modelport.testing.decoders;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small byte-level BPE tokenizer in the layout of today's chat models: the 256 byte symbols, a few
 * hundred merges of common words, special tokens {@code <unk> <s> </s> <|im_start|> <|im_end|>}, a
 * TemplateProcessing post-processor that prepends {@code <s>} (as Llama's), and a ChatML
 * {@code chat_template} in tokenizer_config.json.
 */
public final class SmallBpeTokenizer {
    public static final int UNK = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int IM_START = 3;
    public static final int IM_END = 4;
    public static final String CHAT_TEMPLATE = "{{ bos_token }}{% for message in messages %}"
            + "{% if message['role'] not in ['system', 'user', 'assistant'] %}{{ raise_exception('unknown role ' + message['role']) }}{% endif %}"
            + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> WORDS = List.of(("the of and to a in is it you that he was for on are with as "
            + "they be at one have this from or had by hello world model deploy generate token stream chat user "
            + "assistant system fast slow once upon time there lived small cat dog").split(" "));

    private SmallBpeTokenizer() {
    }

    /** Writes tokenizer.json and tokenizer_config.json; returns the vocabulary size. */
    public static int write(Path dir) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String s : List.of("<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>")) {
            vocab.put(s, vocab.size());
        }
        for (int cp : byteSymbols()) {
            vocab.put(new String(Character.toChars(cp)), vocab.size());
        }
        Set<String> merges = new LinkedHashSet<>();
        for (String word : WORDS) {
            for (String form : List.of(word, "Ġ" + word)) {
                String acc = form.substring(0, 1);
                for (int i = 1; i < form.length(); i++) {
                    String next = form.substring(i, i + 1);
                    merges.add(acc + " " + next);
                    acc = acc + next;
                    vocab.putIfAbsent(acc, vocab.size());
                }
            }
        }
        ObjectNode tok = JSON.createObjectNode();
        tok.put("version", "1.0");
        tok.putNull("truncation");
        tok.putNull("padding");
        ArrayNode added = tok.putArray("added_tokens");
        for (String s : List.of("<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>")) {
            added.addObject().put("id", vocab.get(s)).put("content", s).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        tok.putNull("normalizer");
        tok.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", true);
        ObjectNode post = tok.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode bos = post.putObject("special_tokens").putObject("<s>");
        bos.put("id", "<s>");
        bos.putArray("ids").add(BOS);
        bos.putArray("tokens").add("<s>");
        tok.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
                .put("use_regex", true);
        ObjectNode model = tok.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        model.put("unk_token", "<unk>").put("continuing_subword_prefix", "").put("end_of_word_suffix", "")
                .put("fuse_unk", false).put("byte_fallback", false);
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
        ArrayNode m = model.putArray("merges");
        merges.forEach(m::add);
        TinyDecoders.writeJson(dir.resolve("tokenizer.json"), tok);
        ObjectNode config = JSON.createObjectNode();
        config.put("tokenizer_class", "PreTrainedTokenizerFast").put("model_max_length", 128).put("bos_token", "<s>")
                .put("eos_token", "</s>").put("unk_token", "<unk>").put("chat_template", CHAT_TEMPLATE);
        TinyDecoders.writeJson(dir.resolve("tokenizer_config.json"), config);
        return vocab.size();
    }

    /** GPT-2's bytes_to_unicode: the printable code point standing for each byte. */
    static List<Integer> byteSymbols() {
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) {
            bs.add(b);
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            bs.add(b);
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            bs.add(b);
        }
        List<Integer> cs = new ArrayList<>(bs);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!bs.contains(b)) {
                bs.add(b);
                cs.add(256 + n++);
            }
        }
        return cs;
    }
}
