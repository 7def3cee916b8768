package io.netdiag.output;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TableTest {
    @Test
    void columnsAreAlignedAndLinesHaveNoTrailingBlanks() {
        String text = new Table("State", "Recv-Q", "Local")
                .align(1, Table.Align.RIGHT)
                .row("LISTEN", 0, "127.0.0.1:8080")
                .row("ESTAB", 128512, "")
                .render();
        assertEquals("""
                State   Recv-Q  Local
                LISTEN       0  127.0.0.1:8080
                ESTAB   128512
                """, text);
    }

    @Test
    void rowsMustMatchTheColumns() {
        assertThrows(IllegalArgumentException.class, () -> new Table("a", "b").row("only one"));
    }
}
