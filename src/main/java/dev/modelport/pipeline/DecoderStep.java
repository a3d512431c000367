package dev.modelport.pipeline;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the tokenizers library's decoders ({@code tokenizers/src/decoders}), ported: each rewrites
 * the list of token strings ({@code decode_chain}); {@link TokenDecoder} runs them and joins the
 * result. Each record holds the fields tokenizer.json stores for that {@code "type"}.
 */
sealed interface DecoderStep {

    List<String> decodeChain(List<String> tokens);

    /** {@code "WordPiece"}: a piece with the prefix joins the previous one, any other gets a space before it. */
    record WordPiece(String prefix, boolean cleanup) implements DecoderStep {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                String token = tokens.get(i);
                if (i != 0) {
                    token = token.startsWith(prefix) ? token.substring(prefix.length()) : " " + token;
                }
                out.add(cleanup ? cleanup(token) : token);
            }
            return out;
        }

        /** wordpiece::cleanup: the spaces that joining words puts before punctuation and English contractions. */
        static String cleanup(String s) {
            return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                    .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't")
                    .replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re");
        }
    }

    /**
     * {@code "ByteLevel"}: each token's characters back to the bytes they stand for (a token with a
     * character outside the alphabet, e.g. an added token or an already decoded word, keeps its own
     * UTF-8 bytes), all bytes as one text, invalid UTF-8 as U+FFFD.
     */
    record ByteLevel() implements DecoderStep {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (String token : tokens) {
                byte[] mapped = mapped(token);
                bytes.writeBytes(mapped != null ? mapped : token.getBytes(StandardCharsets.UTF_8));
            }
            return List.of(Utf8.lossy(bytes.toByteArray()));
        }

        private static byte[] mapped(String token) {
            int[] codePoints = token.codePoints().toArray();
            byte[] out = new byte[codePoints.length];
            for (int i = 0; i < codePoints.length; i++) {
                int b = ByteLevelAlphabet.byteOf(codePoints[i]);
                if (b < 0) {
                    return null;
                }
                out[i] = (byte) b;
            }
            return out;
        }
    }

    /**
     * {@code "Metaspace"}: the replacement character (▁) back to a space, except in the first token
     * where the pre-tokenizer prepended it (every prepend scheme but "never").
     */
    record Metaspace(int replacement, boolean prepends) implements DecoderStep {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                StringBuilder token = new StringBuilder();
                boolean first = i == 0;
                tokens.get(i).codePoints().forEach(c -> {
                    if (c != replacement) {
                        token.appendCodePoint(c);
                    } else if (!(first && prepends)) {
                        token.append(' ');
                    }
                });
                out.add(token.toString());
            }
            return out;
        }
    }

    /** {@code "Replace"} (a normalizer used as a decoder): every match of the pattern in each token becomes the content. */
    record Replace(Pattern pattern, String content) implements DecoderStep {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            return tokens.stream().map(t -> pattern.matcher(t).replaceAll(Matcher.quoteReplacement(content))).toList();
        }
    }

    /**
     * {@code "ByteFallback"}: runs of {@code <0xNN>} tokens become the text their bytes spell, or
     * one U+FFFD per byte when they are not valid UTF-8.
     */
    record ByteFallback() implements DecoderStep {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            for (String token : tokens) {
                int b = byteToken(token);
                if (b >= 0) {
                    pending.write(b);
                    continue;
                }
                flush(pending, out);
                out.add(token);
            }
            flush(pending, out);
            return out;
        }

        private static int byteToken(String token) {
            if (token.length() != 6 || !token.startsWith("<0x") || !token.endsWith(">")) {
                return -1;
            }
            try {
                return Integer.parseInt(token.substring(3, 5), 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        private static void flush(ByteArrayOutputStream pending, List<String> out) {
            if (pending.size() == 0) {
                return;
            }
            byte[] bytes = pending.toByteArray();
            Utf8.strict(bytes).ifPresentOrElse(out::add, () -> {
                for (int i = 0; i < bytes.length; i++) {
                    out.add("\uFFFD");
                }
            });
            pending.reset();
        }
    }

    /** {@code "Fuse"}: all tokens into one string. */
    record Fuse() implements DecoderStep {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            return List.of(String.join("", tokens));
        }
    }

    /** {@code "Strip"}: up to {@code start} leading and {@code stop} trailing {@code content} characters off each token. */
    record Strip(int content, int start, int stop) implements DecoderStep {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            for (String token : tokens) {
                int[] chars = token.codePoints().toArray();
                int startCut = 0;
                while (startCut < Math.min(start, chars.length) && chars[startCut] == content) {
                    startCut++;
                }
                int stopCut = chars.length;
                for (int i = 0; i < Math.min(stop, chars.length - startCut) && chars[stopCut - 1] == content; i++) {
                    stopCut--;
                }
                out.add(new String(chars, startCut, stopCut - startCut));
            }
            return out;
        }
    }

    /** {@code "BPEDecoder"}: the end-of-word suffix becomes a space, except in the last token. */
    record Bpe(String suffix) implements DecoderStep {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                out.add(tokens.get(i).replace(suffix, i == tokens.size() - 1 ? "" : " "));
            }
            return out;
        }
    }

    /** {@code "CTC"}: repeated tokens once, pad tokens dropped, the word delimiter as a space. */
    record Ctc(String padToken, String wordDelimiterToken, boolean cleanup) implements DecoderStep {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            String previous = null;
            for (String token : tokens) {
                if (token.equals(previous)) {
                    continue;
                }
                previous = token;
                String replaced = token.replace(padToken, "");
                if (cleanup) {
                    replaced = WordPiece.cleanup(replaced).replace(wordDelimiterToken, " ");
                }
                if (!replaced.isEmpty()) {
                    out.add(replaced);
                }
            }
            return out;
        }
    }

    /** {@code "Sequence"}: each decoder on the previous one's output. */
    record Sequence(List<DecoderStep> steps) implements DecoderStep {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = tokens;
            for (DecoderStep step : steps) {
                out = step.decodeChain(out);
            }
            return out;
        }
    }
}
