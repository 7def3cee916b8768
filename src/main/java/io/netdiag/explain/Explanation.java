package io.netdiag.explain;

import java.util.List;
import java.util.Map;

/**
 * What an error means: the classifier's answer for one errno, Winsock code, EAI code, ICMP type/code or
 * exception.
 *
 * @param symbol      the canonical name, such as {@code ECONNRESET} or {@code ICMP 3/3}
 * @param kind        which table it comes from: errno, winsock, eai, h_errno, icmp, icmp6, exception
 * @param numbers     its number on each OS that has it (keys: linux, macos, windows; or the table name)
 * @param message     the system's own message (glibc's strerror text for Linux errno)
 * @param category    the kind of trouble
 * @param retryable   whether retrying the same operation can succeed
 * @param explanation what happened, in plain words for socket programs
 * @param causes      likely causes, most likely first
 * @param nextSteps   what to run next, netdiag commands first
 */
public record Explanation(
        String symbol,
        String kind,
        Map<String, Integer> numbers,
        String message,
        Category category,
        boolean retryable,
        String explanation,
        List<String> causes,
        List<String> nextSteps) {

    public Explanation {
        numbers = Map.copyOf(numbers);
        causes = List.copyOf(causes);
        nextSteps = List.copyOf(nextSteps);
    }

    /** One line for error messages: symbol, message and category. */
    public String summary() {
        return symbol + " (" + message + ") [" + category.id() + "]: " + explanation;
    }

    /** The first next step, or null. */
    public String hint() {
        return nextSteps.isEmpty() ? null : nextSteps.getFirst();
    }
}
