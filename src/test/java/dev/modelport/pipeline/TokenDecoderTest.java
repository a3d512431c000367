package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ModelportException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The ported decoders against what the tokenizers library (0.23, Python) answers for the same
 * {@code decoder.decode(tokens)} calls; the expected strings were taken from it.
 */
class TokenDecoderTest {

    private static TokenDecoder decoder(String json) {
        ObjectNode tokenizer = Json.object();
        tokenizer.set("decoder", read(json));
        return TokenDecoder.of(tokenizer);
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void wordPieceJoinsContinuingPiecesAndCleansUpPerToken() {
        TokenDecoder wp = decoder("{\"type\": \"WordPiece\", \"prefix\": \"##\", \"cleanup\": true}");
        assertEquals("##ich", wp.decode(List.of("##ich")), "a first piece keeps its prefix");
        assertEquals("elodie lives", wp.decode(List.of("el", "##od", "##ie", "lives")));
        // cleanup runs on each token, so " do" " not" never becomes "don't"
        assertEquals("paris, pres do not it's", wp.decode(List.of("paris", ",", "pres", "do", "not", "it", "'s")));
    }

    @Test
    void byteLevelMapsCharactersBackToBytesAndKeepsOtherTokensAsTheyAre() {
        TokenDecoder bl = decoder("{\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": true}");
        assertEquals("Élodie lives", bl.decode(List.of("Ãīlodie", "Ġlives")));
        // decoding a decoded word again: "É" is the alphabet's character for the byte C9, alone invalid UTF-8
        assertEquals("\uFFFDlodie", bl.decode(List.of("Élodie")));
        // a word with a real space is not in the alphabet: its own bytes
        assertEquals("\uFFFD Paris", bl.decode(List.of("\uFFFD", " Paris")));
        assertEquals("\uFFFD", bl.decode(List.of("ð", "Ł")), "two bytes of a four-byte character");
    }

    @Test
    void llamasSequenceReplacesTheWordMarkerFusesByteTokensAndStripsOneSpace() {
        TokenDecoder llama = decoder("""
                {"type": "Sequence", "decoders": [
                  {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
                  {"type": "ByteFallback"}, {"type": "Fuse"},
                  {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}""");
        assertEquals("once upon\uD83D\uDE42", llama.decode(List.of("▁once", "▁upon", "<0xF0>", "<0x9F>", "<0x99>", "<0x82>")));
        assertEquals("\uFFFD\uFFFDa", llama.decode(List.of("<0xE5>", "<0x8F>", "a")), "one U+FFFD per invalid byte");
        assertEquals(" a", llama.decode(List.of("▁▁a")));
    }

    @Test
    void otherDecoders() {
        assertEquals("Hey friend", decoder("{\"type\": \"Metaspace\", \"replacement\": \"▁\", \"prepend_scheme\": \"always\"}")
                .decode(List.of("▁Hey", "▁friend")));
        assertEquals(" Hey friend", decoder("{\"type\": \"Metaspace\", \"replacement\": \"▁\", \"prepend_scheme\": \"never\"}")
                .decode(List.of("▁Hey", "▁friend")));
        assertEquals(" Hey friend", decoder("{\"type\": \"Metaspace\", \"replacement\": \"▁\", \"add_prefix_space\": false}")
                .decode(List.of("▁Hey", "▁friend")), "the older field");
        assertEquals("hello world", decoder("{\"type\": \"BPEDecoder\", \"suffix\": \"</w>\"}")
                .decode(List.of("hel", "lo</w>", "wor", "ld</w>")));
        assertEquals("hello w", decoder("{\"type\": \"CTC\", \"pad_token\": \"<pad>\", \"word_delimiter_token\": \"|\", \"cleanup\": true}")
                .decode(List.of("<pad>", "h", "e", "e", "l", "l", "<pad>", "l", "o", "|", "w")));
        assertEquals("ab ", decoder("{\"type\": \"Strip\", \"content\": \" \", \"start\": 1, \"stop\": 0}")
                .decode(List.of(" a", " b ")));
        assertEquals("a b", TokenDecoder.of(Json.object().putNull("decoder")).decode(List.of("a", "b")),
                "no decoder: the tokens joined by spaces");
        assertThrows(ModelportException.class, () -> decoder("{\"type\": \"Mystery\"}"));
    }

    @Test
    void invalidUtf8BecomesOneReplacementPerMaximalInvalidPartAsInRust() {
        // an encoded surrogate: three in Rust and Python, one in Java's own decoder
        assertEquals("\uFFFD\uFFFD\uFFFD", Utf8.lossy(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
        assertEquals("\uFFFD", Utf8.lossy(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x99}), "a cut four-byte character");
        assertEquals("\uFFFDlo", Utf8.lossy(new byte[] {(byte) 0xC9, 'l', 'o'}));
        assertEquals("\uD83D\uDE42é", Utf8.lossy(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x99, (byte) 0x82, (byte) 0xC3, (byte) 0xA9}));
        assertEquals(java.util.Optional.empty(), Utf8.strict(new byte[] {(byte) 0xE5, (byte) 0x8F}));
    }

    @Test
    void codePointTextSlicesAsPythonDoes() {
        CodePointText text = new CodePointText("\uD83D\uDE42 Paris");
        assertEquals(7, text.length());
        assertEquals("Paris", text.slice(2, 7));
        assertEquals("\uD83D\uDE42", text.slice(0, 1));
        assertEquals("", text.slice(5, 3), "an end before the start is empty");
        assertEquals("s", text.slice(6, 99), "clamped to the text");
        assertEquals(3, text.utf16Index(2));
    }
}
