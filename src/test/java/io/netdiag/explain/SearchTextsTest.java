package io.netdiag.explain;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** nearest() reads the Linux table through a light copy of its search texts; it must be the same table. */
class SearchTextsTest {
    @Test
    void searchTextsAreTheLinuxTableInItsOrder() {
        List<Classifier.SearchText> fromEntries = new ArrayList<>();
        for (Classifier.Entry entry : Classifier.standard().list(Numbering.LINUX, null)) {
            fromEntries.add(new Classifier.SearchText(entry.name(), entry.searchText()));
        }
        assertEquals(fromEntries, Classifier.searchTexts());
    }
}
