package io.netdiag.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Seconds options decide on a double where that is exact and on the written decimal at the bounds, and print their
 * bounds as plain decimals (without BigDecimal, whose initialisation costs a JDK 25 start tens of milliseconds).
 */
class AcceptSecondsTest {
    @Test
    void boundsPrintAsPlainDecimals() {
        assertEquals("0", Accept.plain(0));
        assertEquals("0", Accept.plain(-0.0));
        assertEquals("0.1", Accept.plain(0.1));
        assertEquals("3600", Accept.plain(3600));
        assertEquals("2147483.647", Accept.plain(Accept.MOST_SECONDS));
        assertEquals("0.001", Accept.plain(0.001));
        assertEquals("0.0001", Accept.plain(0.0001), "a double printed in E notation goes through BigDecimal");
        assertEquals("12345678.5", Accept.plain(12345678.5));
        assertEquals("0.1 <= value <= 10 seconds", Accept.seconds(0.1, 10).range());
    }

    @Test
    void valuesAreJudgedAsWrittenAtTheBounds() {
        Accept<Double> s = Accept.seconds(0.1, 10);
        assertEquals(0.1, s.convert("0.1"));
        assertEquals(10.0, s.convert("10"));
        assertEquals(2.5, s.convert("2.5"));
        assertEquals(0.1, s.convert("0.1000000000000000000001"), "above the minimum as written, 0.1 as a double");
        assertThrows(Accept.Refused.class, () -> s.convert("10.0000000000000000001"), "above the maximum as written");
        assertThrows(Accept.Refused.class, () -> s.convert("0.09999999999999999"));
        assertThrows(Accept.Refused.class, () -> s.convert("1e309"));
        assertThrows(Accept.Refused.class, () -> s.convert("-1"));
        assertThrows(Accept.Refused.class, () -> s.convert("NaN"));
        assertEquals(0.0, Accept.seconds(0, 1).convert("0"));
        assertEquals(0.0, Accept.seconds(0, 1).convert("1e-400"), "above 0 as written, 0 as a double, as before");
    }
}
