package io.netdiag.capture;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * IP fragment reassembly as tshark does it by default: fragments are kept per datagram (addresses,
 * identification, protocol); the fragment that completes a datagram is shown as the reassembled
 * protocol, the others as fragments. Only fully captured fragments take part.
 */
final class FragmentReassembly {
    private static final int MAX_DATAGRAMS = 4096;

    private final Map<String, TreeMap<Integer, byte[]>> pending = new HashMap<>();
    private final Map<String, Integer> totals = new HashMap<>();

    /**
     * Adds a fragment; returns the whole payload when this fragment completes the datagram, else null.
     */
    byte[] add(String key, int offset, boolean more, byte[] b, int from, int to) {
        if (pending.size() > MAX_DATAGRAMS && !pending.containsKey(key)) {
            // a capture full of lost fragments must not grow without bound
            pending.clear();
            totals.clear();
        }
        TreeMap<Integer, byte[]> parts = pending.computeIfAbsent(key, k -> new TreeMap<>());
        parts.put(offset, java.util.Arrays.copyOfRange(b, from, to));
        if (!more) {
            totals.put(key, offset + (to - from));
        }
        Integer total = totals.get(key);
        if (total == null) {
            return null;
        }
        int covered = 0;
        for (Map.Entry<Integer, byte[]> e : parts.entrySet()) {
            if (e.getKey() > covered) {
                return null;
            }
            covered = Math.max(covered, e.getKey() + e.getValue().length);
        }
        if (covered < total) {
            return null;
        }
        byte[] whole = new byte[total];
        for (Map.Entry<Integer, byte[]> e : parts.entrySet()) {
            int len = Math.min(e.getValue().length, total - e.getKey());
            if (len > 0) {
                System.arraycopy(e.getValue(), 0, whole, e.getKey(), len);
            }
        }
        pending.remove(key);
        totals.remove(key);
        return whole;
    }
}
