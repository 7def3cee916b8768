package io.netdiag.explain;

/**
 * What kind of trouble an error means for a socket program. In JSON a category is its stable {@link #id()}
 * (name-resolution, not name-permanent), wherever it appears.
 */
public enum Category implements io.netdiag.output.Json.JsonValue {
    PEER_GONE("peer-gone", "the other side closed or reset the connection"),
    REFUSED("refused", "the host answered, but nothing accepts connections there"),
    UNREACHABLE("unreachable", "no route to the host or network"),
    TIMEOUT("timeout", "no answer arrived in time"),
    WOULD_BLOCK("would-block", "the operation would block; retry when the socket is ready"),
    NAME_PERMANENT("name-resolution", "the name does not resolve"),
    NAME_TRANSIENT("name-resolution-transient", "the resolver failed for now; a retry may work"),
    LOCAL_CONFIG("local-config", "a local setting, address or argument is wrong"),
    CLOSED_LOCALLY("closed-locally", "this program closed or shut down the socket itself"),
    PERMISSION("permission", "a privilege or policy forbids it"),
    RESOURCE("resource-exhausted", "a local limit ran out: descriptors, memory, ports, buffers"),
    PROTOCOL("protocol", "the protocol or socket type does not fit the operation"),
    TLS("tls", "the TLS handshake failed: no TLS on the other side, no common version or cipher, or a rejected certificate"),
    OTHER("other", "not a network-specific error");

    private final String id;
    private final String meaning;

    Category(String id, String meaning) {
        this.id = id;
        this.meaning = meaning;
    }

    /** The stable name used in JSON and on the command line. */
    public String id() {
        return id;
    }

    @Override
    public Object toJson() {
        return id;
    }

    /** One line on what the category means. */
    public String meaning() {
        return meaning;
    }

    public static Category fromId(String id) {
        for (Category c : values()) {
            if (c.id.equalsIgnoreCase(id) || c.name().equalsIgnoreCase(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown category: " + id);
    }
}
