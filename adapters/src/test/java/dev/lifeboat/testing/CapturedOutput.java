package dev.lifeboat.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the code under test writes to standard output and standard error (its log lines, its metrics), for
 * tests that read it: {@code @RegisterExtension final CapturedOutput output = new CapturedOutput();}. The
 * streams are restored after each test.
 */
public final class CapturedOutput implements BeforeEachCallback, AfterEachCallback {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private PrintStream originalOut;

    @Override
    public void beforeEach(ExtensionContext context) {
        captured.reset();
        originalErr = System.err;
        originalOut = System.out;
        PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setErr(both);
        System.setOut(both);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.setErr(originalErr);
        System.setOut(originalOut);
    }

    /** Everything written so far in this test. */
    public String text() {
        return captured.toString(StandardCharsets.UTF_8);
    }
}
