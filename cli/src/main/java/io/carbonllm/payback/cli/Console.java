package io.carbonllm.payback.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;

/** CLI output: progress lines with timings. The only place outside tests that writes to stdout. */
public final class Console {

    private final PrintStream out;

    public Console(PrintStream out) {
        this.out = out;
    }

    public static Console stdout() {
        return new Console(System.out);
    }

    /** Prints "starting X… ", runs the step, then "ready in 3.1 s" and the detail. */
    public <T> T step(String what, Supplier<T> action, java.util.function.Function<T, String> detail) {
        out.print("  " + what + "... ");
        out.flush();
        long start = System.nanoTime();
        try {
            T result = action.get();
            out.printf(Locale.ROOT, "ready in %.1f s  %s%n", (System.nanoTime() - start) / 1e9, detail.apply(result));
            return result;
        } catch (RuntimeException e) {
            out.println("FAILED");
            throw e;
        }
    }

    public void line(String text) {
        out.println(text);
    }

    public void line(String format, Object... args) {
        out.printf(Locale.ROOT, format + "%n", args);
    }

    public void blank() {
        out.println();
    }

    public PrintStream stream() {
        return out;
    }
}
