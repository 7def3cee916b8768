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
 * @param aliases     other names of the same number in the numbering asked for (EWOULDBLOCK for EAGAIN, EDEADLOCK
 *                    for EDEADLK), as moreutils {@code errno} lists them
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
        List<String> nextSteps,
        List<String> aliases) {

    public Explanation(String symbol, String kind, Map<String, Integer> numbers, String message, Category category,
                       boolean retryable, String explanation, List<String> causes, List<String> nextSteps) {
        this(symbol, kind, numbers, message, category, retryable, explanation, causes, nextSteps, List.of());
    }

    public Explanation {
        // Ordered (linux, macos, windows as built), so that text and JSON list them the same way every time.
        Map<String, Integer> ordered = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Integer> n : numbers.entrySet()) {
            ordered.put(java.util.Objects.requireNonNull(n.getKey()), java.util.Objects.requireNonNull(n.getValue()));
        }
        numbers = java.util.Collections.unmodifiableMap(ordered);
        causes = List.copyOf(causes);
        nextSteps = List.copyOf(nextSteps);
        aliases = List.copyOf(aliases);
    }

    /**
     * One line for error messages: symbol, the system's message, category and the first sentence of the
     * explanation, as in {@code ECONNREFUSED (Connection refused) [refused]: the destination host answered, but
     * nothing accepts connections on that port}.
     */
    public String summary() {
        String head = title();
        String first = firstSentence(explanation);
        return first.isEmpty() ? Concat.of(head, " [", category.id(), "]") : Concat.of(head, " [", category.id(), "]: ", first);
    }

    /** {@code ECONNRESET (Connection reset by peer)}; ICMP as tshark names it: {@code ICMP 3/3 Destination unreachable (Port unreachable)}. */
    public String title() {
        if (message.isEmpty() || message.equals(symbol)) {
            return symbol;
        }
        return kind.startsWith("icmp") ? Concat.of(symbol, " ", message) : Concat.of(symbol, " (", message, ")");
    }

    static String firstSentence(String text) {
        int end = text.length();
        for (int i = 0; i + 2 < text.length(); i++) {
            if (text.charAt(i) == '.' && text.charAt(i + 1) == ' ' && Character.isUpperCase(text.charAt(i + 2))) {
                end = i;
                break;
            }
        }
        String sentence = text.substring(0, end).strip();
        if (sentence.endsWith(".")) {
            sentence = sentence.substring(0, sentence.length() - 1);
        }
        // "The peer's kernel" reads as "the peer's kernel" after a colon; "TCP" and "ICMP" stay as they are.
        String word = sentence.split(" ", 2)[0];
        if (!word.isEmpty() && Character.isUpperCase(word.charAt(0)) && allLowerCase(word, 1) && !word.equals(sentence)) {
            sentence = Concat.of(Character.toLowerCase(sentence.charAt(0)), sentence.substring(1));
        }
        return sentence;
    }

    private static boolean allLowerCase(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (!Character.isLowerCase(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The same explanation with different causes and next steps (case-specific advice goes first). */
    public Explanation withAdvice(String newExplanation, List<String> newCauses, List<String> newNextSteps) {
        return new Explanation(symbol, kind, numbers, message, category, retryable, newExplanation, newCauses, newNextSteps,
                aliases);
    }

    /** The first next step, or null. */
    public String hint() {
        return nextSteps.isEmpty() ? null : nextSteps.getFirst();
    }
}
