package io.netdiag.output;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {
    enum State { TIME_WAIT }

    record Row(String localAddress, int recvQ, long sendQ, State state, Optional<String> owner, List<Integer> ports) {
    }

    @Test
    void recordsBecomeSnakeCaseObjectsInDeclarationOrder() {
        Row row = new Row("127.0.0.1:80", 3, 4L, State.TIME_WAIT, Optional.empty(), List.of(1, 2));
        assertEquals("{\"local_address\":\"127.0.0.1:80\",\"recv_q\":3,\"send_q\":4,\"state\":\"time-wait\","
                + "\"owner\":null,\"ports\":[1,2]}", Json.compact(row));
    }

    @Test
    void stringsAreEscapedAndNumbersStayNumbers() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", "a\"b\\c\nd\u0001");
        m.put("rtt", 0.047);
        m.put("whole", 2.0);
        m.put("nan", Double.NaN);
        assertEquals("{\"text\":\"a\\\"b\\\\c\\nd\\u0001\",\"rtt\":0.047,\"whole\":2,\"nan\":null}", Json.compact(m));
    }

    @Test
    void prettyOutputParsesBackToTheSameValue() {
        Row row = new Row("[::1]:443", 0, 0, State.TIME_WAIT, Optional.of("pid=1"), List.of());
        Object parsed = Json.parse(Json.pretty(row));
        assertEquals(Json.parse(Json.compact(row)), parsed);
        assertEquals("pid=1", ((Map<?, ?>) parsed).get("owner"));
    }

    @Test
    void malformedJsonIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1} x"));
        assertThrows(RuntimeException.class, () -> Json.parse("{\"a\":"));
    }
}
