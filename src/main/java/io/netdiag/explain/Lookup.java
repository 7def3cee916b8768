package io.netdiag.explain;

import java.util.List;

/**
 * What a query (a number, a symbol, ICMP type/code or a line of error text) means.
 *
 * @param query        the input as given
 * @param numbering    the OS numbering that numbers were read in
 * @param matches      the answers, best first; empty when nothing matched
 * @param alternatives other readings of the same input: the same number on another OS or in another table
 * @param nearest      when nothing matched, the names that come closest
 */
public record Lookup(String query, Numbering numbering, List<Match> matches, List<Match> alternatives, List<String> nearest) {
    public Lookup {
        matches = List.copyOf(matches);
        alternatives = List.copyOf(alternatives);
        nearest = List.copyOf(nearest);
    }

    public boolean found() {
        return !matches.isEmpty();
    }
}
