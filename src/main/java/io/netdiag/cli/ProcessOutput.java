package io.netdiag.cli;

import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The process's standard output as a UTF-8 writer that also hands out the stream under it, so that a
 * command printing a large listing it already holds as bytes (sockets) can write them without
 * encoding each character again. Writers made elsewhere (tests, the shell) are plain PrintWriters.
 */
final class ProcessOutput extends PrintWriter {
    private final OutputStream stream;

    ProcessOutput(OutputStream stream) {
        super(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
        this.stream = stream;
    }

    /** The stream under this writer; flush the writer before writing to it. */
    OutputStream stream() {
        return stream;
    }
}
