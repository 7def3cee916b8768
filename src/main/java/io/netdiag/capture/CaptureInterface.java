package io.netdiag.capture;

import java.util.List;

/** One capture device as {@code tcpdump -D} lists it, plus its addresses. */
public record CaptureInterface(int index, String name, String description, List<String> flags,
                               List<String> addresses) {
    /** The line {@code tcpdump -D} prints for this device. */
    public String tcpdumpLine() {
        StringBuilder s = new StringBuilder().append(index).append('.').append(name);
        if (description != null && !description.isEmpty()) {
            s.append(" (").append(description).append(')');
        }
        s.append(" [").append(flags.isEmpty() ? "none" : String.join(", ", flags)).append(']');
        return s.toString();
    }
}
