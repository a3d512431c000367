package dev.modelport.runtime.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.FloatTensor;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A program that does not compile, fails while it runs, or is called after it was closed gives
 * an error naming the program and the cause; the process carries on (no JVM crash).
 */
class ScriptProgramTest {

    private static final String GOOD = """
            class Probe(Module):
                __parameters__ = []
                __buffers__ = []
                training : bool

                def twice(self, x: Tensor) -> Tensor:
                    return (x * 2.0).to(torch.float32)

                def checked(self, n: int) -> int:
                    assert n > 0, "n must be positive"
                    return n

                def halves(self, x: Tensor) -> Tensor:
                    return x.to(torch.bfloat16)
            """;

    @BeforeAll
    static void engine() {
        Engine.getEngine("PyTorch");
    }

    private static ScriptProgram load(String source) {
        byte[] archive = ScriptArchive.build("probe", "Probe", List.of(new ProgramSource("probe", source)));
        return ScriptProgram.load("Probe", archive, Device.cpu());
    }

    @Test
    void aProgramThatDoesNotCompileFailsTheLoadNamingTheCause() {
        ModelportException e = assertThrows(ModelportException.class,
                () -> load(GOOD.replace("return (x * 2.0)", "return (y * 2.0)")));
        assertEquals(ErrorCode.LOAD_FAILED, e.code());
        assertTrue(e.getMessage().startsWith("the Probe program did not compile"), e.getMessage());
        assertTrue(e.getMessage().contains("y"), e.getMessage());
    }

    @Test
    void aFailureWhileRunningIsAModelErrorWithTheProgramsMessage() {
        try (ScriptProgram program = load(GOOD)) {
            assertEquals(3, program.number("checked", ScriptArg.of(3)));
            ModelportException e = assertThrows(ModelportException.class, () -> program.number("checked", ScriptArg.of(-1)));
            assertEquals(ErrorCode.MODEL_ERROR, e.code());
            assertEquals("the Probe program failed in checked: n must be positive", e.getMessage());
            // and the program still answers
            FloatTensor out = program.floats("twice", new ScriptArg.Floats(new float[] {1, 2}, new long[] {2}));
            assertEquals(4f, out.data()[1]);
        }
    }

    @Test
    void aBfloat16ResultNeverReachesADjlOperation() {
        try (ScriptProgram program = load(GOOD)) {
            // reading a bfloat16 tensor through DJL would abort the JVM: it is refused instead
            ModelportException e = assertThrows(ModelportException.class,
                    () -> program.floats("halves", new ScriptArg.Floats(new float[] {1, 2}, new long[] {2})));
            assertEquals(ErrorCode.INTERNAL_ERROR, e.code());
            assertTrue(e.getMessage().contains("not float32"), e.getMessage());
            assertEquals(0, program.liveArrays(), "nothing left behind");
        }
    }

    @Test
    void aClosedProgramIsNotReady() {
        ScriptProgram program = load(GOOD);
        program.close();
        ModelportException e = assertThrows(ModelportException.class, () -> program.number("checked", ScriptArg.of(1)));
        assertEquals(ErrorCode.DEPLOYMENT_NOT_READY, e.code());
    }
}
