package io.netdiag.explain;

import io.netdiag.testing.Host;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Numbers with more than one name, against moreutils {@code errno -l} (which prints every name with its number). */
class ErrnoAliasesTest {
    @Test
    void everyNameOfANumberIsShownAsErrnoListsThem() {
        Host.Run errno = Host.run("errno", "-l");
        assertEquals(0, errno.exitCode(), errno::toString);
        Map<Integer, TreeSet<String>> names = new TreeMap<>();
        for (String line : errno.out().lines().toList()) {
            String[] f = line.split(" ", 3);
            names.computeIfAbsent(Integer.parseInt(f[1]), n -> new TreeSet<>()).add(f[0]);
        }
        List<Integer> shared = new ArrayList<>();
        for (Map.Entry<Integer, TreeSet<String>> e : names.entrySet()) {
            if (e.getValue().size() < 2) {
                continue;
            }
            shared.add(e.getKey());
            // a lookup by number names them all: the symbol and its aliases
            Explanation found = Classifier.standard().lookup(String.valueOf(e.getKey()), Numbering.LINUX).matches().getFirst()
                    .explanation();
            TreeSet<String> ours = new TreeSet<>(found.aliases());
            ours.add(found.symbol());
            assertEquals(e.getValue(), ours, "errno " + e.getKey());
            // and the list has a row for each name, with that number
            TreeSet<String> listed = new TreeSet<>();
            for (Classifier.Entry entry : Classifier.standard().list(Numbering.LINUX, null)) {
                if (Integer.valueOf(e.getKey()).equals(entry.number()) && entry.explanation().kind().equals("errno")) {
                    listed.add(entry.name());
                }
            }
            assertEquals(e.getValue(), listed, "errno -l rows for " + e.getKey());
        }
        assertFalse(shared.isEmpty(), "errno -l lists no shared numbers:\n" + errno.out());
        // the two the issue names
        assertEquals(List.of("EWOULDBLOCK"), Classifier.standard().lookup("11", Numbering.LINUX).matches().getFirst()
                .explanation().aliases());
        assertEquals(List.of("EDEADLOCK"), Classifier.standard().lookup("35", Numbering.LINUX).matches().getFirst()
                .explanation().aliases());
    }
}
