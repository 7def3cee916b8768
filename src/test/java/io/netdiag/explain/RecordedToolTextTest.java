package io.netdiag.explain;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Go and Rust error texts, RECORDED rather than provoked: ToolErrorTextTest builds and runs Debian's Go (1.19) and
 * Rust (std only, no crates offline) against misbehaving peers; the texts here are the ones those cannot print: newer
 * Go wordings ("tls: failed to verify certificate", from Go 1.20) and the crates hyper, rustls and tokio. Each text is the
 * wording in the named source file, with the run-time parts (addresses, URLs) filled in as a failure prints them:
 * Go: net/http/client.go ("server gave HTTP response to HTTPS client", "Client.Timeout exceeded while awaiting
 * headers"), net/http/transport.go ("request canceled while waiting for connection", io.EOF from a server that
 * closed), crypto/tls/conn.go ("first record does not look like a TLS handshake"), crypto/tls/alert.go ("remote error:
 * tls: handshake failure"), internal/poll/fd.go ("i/o timeout"), net/net.go (OpError: "dial tcp ADDR: connect: ..."),
 * net/dnsclient.go ("no such host"), syscall's lower-case errno texts. Rust: std io::Error Display ("... (os error N)"),
 * std's getaddrinfo error ("failed to lookup address information: ..."), hyper's error.rs ("connection closed before
 * message completed"), rustls's error.rs ("received corrupt message of type InvalidContentType", "invalid peer
 * certificate: ..."), tokio's time::error::Elapsed ("deadline has elapsed").
 */
class RecordedToolTextTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // Go
            "Get \"http://127.0.0.1:8080/\": dial tcp 127.0.0.1:8080: connect: connection refused|ECONNREFUSED|refused",
            "Get \"http://10.78.0.1/\": dial tcp 10.78.0.1:80: i/o timeout|CONNECT_TIMEOUT|timeout",
            "Get \"http://127.0.0.1:8080/\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)|REQUEST_TIMEOUT|timeout",
            "Get \"http://127.0.0.1:8080/\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)|CONNECT_TIMEOUT|timeout",
            "read tcp 127.0.0.1:50000->127.0.0.1:8080: i/o timeout|READ_TIMEOUT|timeout",
            "Get \"https://127.0.0.1:8080/\": http: server gave HTTP response to HTTPS client|TLS_NOT_TLS|tls",
            "Get \"https://127.0.0.1:8080/\": tls: first record does not look like a TLS handshake|TLS_NOT_TLS|tls",
            "Get \"https://127.0.0.1:8443/\": remote error: tls: handshake failure|TLS_HANDSHAKE|tls",
            "Get \"https://localhost:8443/\": tls: failed to verify certificate: x509: certificate signed by unknown authority|TLS_CERTIFICATE|tls",
            "Get \"http://127.0.0.1:8080/\": EOF|PEER_CLOSED|peer-gone",
            "Get \"http://127.0.0.1:8080/\": unexpected EOF|TRUNCATED|peer-gone",
            "read tcp 127.0.0.1:50000->127.0.0.1:8080: read: connection reset by peer|ECONNRESET|peer-gone",
            "Get \"http://127.0.0.1:8080/\": net/http: HTTP/1.x transport connection broken: malformed HTTP response \"\\x00\\x01garbage\"|WRONG_PROTOCOL|protocol",
            "Get \"http://nonexistent.invalid/\": dial tcp: lookup nonexistent.invalid on 127.0.0.53:53: no such host|EAI_NONAME|name-resolution",
            // Rust
            "Error: Os { code: 111, kind: ConnectionRefused, message: \"Connection refused\" }|ECONNREFUSED|refused",
            "Connection refused (os error 111)|ECONNREFUSED|refused",
            "Connection reset by peer (os error 104)|ECONNRESET|peer-gone",
            "failed to lookup address information: Name or service not known|EAI_NONAME|name-resolution",
            "failed to lookup address information: Temporary failure in name resolution|EAI_AGAIN|name-resolution-transient",
            "error sending request for url (http://127.0.0.1:8080/): connection closed before message completed|PEER_CLOSED|peer-gone",
            "error sending request for url (https://127.0.0.1:8080/): error trying to connect: received corrupt message of type InvalidContentType|TLS_NOT_TLS|tls",
            "error trying to connect: invalid peer certificate: UnknownIssuer|TLS_CERTIFICATE|tls",
            "Error: deadline has elapsed|REQUEST_TIMEOUT|timeout",
    })
    void recordedTextsMeanWhatTheirSourceSays(String text, String symbol, String category) {
        Lookup lookup = Classifier.standard().lookup(text, Numbering.LINUX);
        assertTrue(lookup.found(), text);
        Explanation first = lookup.matches().getFirst().explanation();
        assertEquals(symbol, first.symbol(), text);
        assertEquals(category, first.category().id(), text);
    }
}
