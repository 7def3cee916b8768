package io.netdiag.explain;

import io.netdiag.output.Json;
import io.netdiag.testing.Cli;
import io.netdiag.testing.Host;
import io.netdiag.testing.Namespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The error texts of the programs people use, made for real: each program (the Debian packages in
 * src/test/setup/packages.tsv, Java's own HttpClient and JSSE in-process) fails against a misbehaving peer on
 * loopback ({@link LoopbackPeers}), or resolves a name in a namespace whose only DNS server answers NXDOMAIN. What it
 * printed goes through the classifier as {@code netdiag explain --stdin} reads a log, and its first error line
 * through the CLI, and must mean what happened: refused, peer gone, TLS, timeout (connect or read), name resolution.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolErrorTextTest {
    private static final String H = "127.0.0.1";
    private final Classifier classifier = Classifier.standard();
    private LoopbackPeers peers;

    @BeforeAll
    void start() throws IOException {
        peers = new LoopbackPeers();
    }

    @AfterAll
    void stop() {
        if (peers != null) {
            peers.close();
        }
    }

    private String url(int port) {
        return "http://" + H + ":" + port + "/";
    }

    private String tlsUrl(int port) {
        return "https://" + H + ":" + port + "/";
    }

    /**
     * What a user pastes: a program's output. The first error in it (as explain --stdin finds it) must have this
     * category and, when given, this symbol; the CLI must say the same for that line, in JSON.
     */
    private Explanation check(String what, String output, Category category, String symbol) {
        List<String> lines = output.lines().toList();
        List<Finding> findings = classifier.scan(lines, Numbering.LINUX);
        assertFalse(findings.isEmpty(), () -> what + ": no error found in:\n" + output);
        Finding first = findings.getFirst();
        String line = lines.get(first.lines().getFirst() - 1);
        String seen = what + ": " + line + "\n  -> " + first.explanation().summary() + "\n--- output ---\n" + output;
        assertEquals(category, first.explanation().category(), seen);
        if (symbol != null) {
            assertEquals(symbol, first.explanation().symbol(), seen);
        }
        Cli.Result r = Cli.run("--json", "explain", "--os", "linux", line);
        assertEquals(0, r.exitCode(), r::toString);
        Map<?, ?> result = (Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(r.out())).get("results")).getFirst();
        Map<?, ?> match = (Map<?, ?>) ((List<?>) result.get("matches")).getFirst();
        assertEquals(category.id(), match.get("category"), r::toString);
        if (symbol != null) {
            assertEquals(symbol, match.get("symbol"), r::toString);
        }
        return first.explanation();
    }

    private static Host.Run run(String... command) {
        return Host.run(List.of(command), 60);
    }

    private static Host.Run failing(String... command) {
        Host.Run r = run(command);
        assertNotEquals(0, r.exitCode(), () -> "expected a failure: " + List.of(command) + "\n" + r);
        return r;
    }

    // ---- curl: every exit code is explained; the ones a network makes, for real ----

    @Test
    void curlExitCodesMeanWhatHappened() {
        record Case(String what, List<String> args, int exit, Category category, String symbol) {
        }
        List<Case> cases = List.of(
                new Case("refused", List.of(url(peers.closed)), 7, Category.REFUSED, "CURLE_COULDNT_CONNECT"),
                new Case("empty reply", List.of(url(peers.closeAtOnce)), 52, Category.PEER_GONE, "PEER_CLOSED"),
                new Case("reset", List.of(url(peers.reset)), 56, Category.PEER_GONE, "ECONNRESET"),
                new Case("cut short", List.of(url(peers.truncated)), 18, Category.PEER_GONE, "TRUNCATED"),
                new Case("garbage", List.of(url(peers.garbage)), 1, Category.PROTOCOL, "WRONG_PROTOCOL"),
                new Case("read timeout", List.of("-m", "1", url(peers.silent)), 28, Category.TIMEOUT, "READ_TIMEOUT"),
                new Case("connect timeout", List.of("--connect-timeout", "1", "-m", "5", url(peers.fullBacklog)), 28, Category.TIMEOUT,
                        "CONNECT_TIMEOUT"),
                new Case("TLS to plain HTTP", List.of(tlsUrl(peers.plainHttp)), 35, Category.TLS, "TLS_NOT_TLS"),
                new Case("TLS, peer closes", List.of(tlsUrl(peers.closeAtOnce)), 35, Category.TLS, "TLS_EOF"),
                new Case("self-signed", List.of("https://localhost:" + peers.tls + "/"), 60, Category.TLS, "TLS_CERTIFICATE"),
                new Case("no common version", List.of("-k", "--tls-max", "1.1", tlsUrl(peers.tls)), 35, Category.TLS,
                        "TLS_HANDSHAKE"));
        for (Case c : cases) {
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "-o", "/dev/null"));
            command.addAll(c.args());
            Host.Run r = Host.run(command, 30);
            assertEquals(c.exit(), r.exitCode(), () -> c.what() + ": " + r);
            check("curl " + c.what(), r.err(), c.category(), c.symbol());
            // the exit code alone, as a script reports it, is curl's own table entry
            Explanation code = classifier.lookup("curl exit code " + r.exitCode(), Numbering.LINUX).matches().getFirst()
                    .explanation();
            assertEquals(Map.of("curl", c.exit()), code.numbers(), c.what());
        }
    }

    // ---- wget (GnuTLS) ----

    @Test
    void wget() {
        check("wget refused", failing("wget", "-t", "1", "-O", "/dev/null", url(peers.closed)).err(), Category.REFUSED, "ECONNREFUSED");
        check("wget no data", failing("wget", "-t", "1", "-O", "/dev/null", url(peers.closeAtOnce)).err(), Category.PEER_GONE,
                "PEER_CLOSED");
        check("wget reset", failing("wget", "-t", "1", "-O", "/dev/null", url(peers.reset)).err(), Category.PEER_GONE, "ECONNRESET");
        check("wget cut short", failing("wget", "-t", "1", "-O", "/dev/null", url(peers.truncated)).err(), Category.PEER_GONE,
                "TRUNCATED");
        check("wget read timeout", failing("wget", "-t", "1", "-T", "1", "-O", "/dev/null", url(peers.silent)).err(),
                Category.TIMEOUT, "READ_TIMEOUT");
        check("wget connect timeout", failing("wget", "-t", "1", "-T", "1", "-O", "/dev/null", url(peers.fullBacklog)).err(),
                Category.TIMEOUT, "CONNECT_TIMEOUT");
        check("wget TLS to plain", failing("wget", "-t", "1", "-O", "/dev/null", tlsUrl(peers.plainHttp)).err(), Category.TLS,
                "TLS_NOT_TLS");
        check("wget TLS, peer closes", failing("wget", "-t", "1", "-O", "/dev/null", tlsUrl(peers.closeAtOnce)).err(), Category.TLS,
                "TLS_EOF");
        check("wget self-signed", failing("wget", "-t", "1", "-O", "/dev/null", "https://localhost:" + peers.tls + "/").err(),
                Category.TLS, "TLS_CERTIFICATE");
    }

    // ---- OpenSSH client: a closed port, a peer that closes or resets, one that speaks garbage, one that is silent ----

    @Test
    void ssh() {
        String[] ssh = {"ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "ConnectTimeout=1", "-p"};
        check("ssh refused", failing(with(ssh, String.valueOf(peers.closed), H, "true")).err(), Category.REFUSED, "ECONNREFUSED");
        check("ssh closed by peer", failing(with(ssh, String.valueOf(peers.closeAtOnce), H, "true")).err(), Category.PEER_GONE,
                "PEER_CLOSED");
        check("ssh reset", failing(with(ssh, String.valueOf(peers.reset), H, "true")).err(), Category.PEER_GONE, "ECONNRESET");
        check("ssh garbage", failing(with(ssh, String.valueOf(peers.garbage), H, "true")).err(), Category.PROTOCOL, "WRONG_PROTOCOL");
        check("ssh banner timeout", failing(with(ssh, String.valueOf(peers.silent), H, "true")).err(), Category.TIMEOUT,
                "READ_TIMEOUT");
        check("ssh connect timeout", failing(with(ssh, String.valueOf(peers.fullBacklog), H, "true")).err(), Category.TIMEOUT,
                "CONNECT_TIMEOUT");
    }

    private static String[] with(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    // ---- netcat-openbsd, ncat, socat ----

    @Test
    void netcatNcatSocat() {
        String closed = String.valueOf(peers.closed);
        String full = String.valueOf(peers.fullBacklog);
        check("nc refused", failing("/bin/nc.openbsd", "-v", H, closed).err(), Category.REFUSED, "ECONNREFUSED");
        // "timed out: Operation now in progress" is a connect timeout, not EINPROGRESS
        check("nc connect timeout", failing("/bin/nc.openbsd", "-v", "-w", "1", H, full).err(), Category.TIMEOUT, "CONNECT_TIMEOUT");
        check("ncat refused", failing("ncat", H, closed).err(), Category.REFUSED, "ECONNREFUSED");
        check("ncat connect timeout", failing("ncat", "-w", "1", H, full).err(), Category.TIMEOUT, "CONNECT_TIMEOUT");
        check("ncat idle timeout", failing("ncat", "-i", "1", H, String.valueOf(peers.silent)).err(), Category.TIMEOUT,
                "READ_TIMEOUT");
        check("socat refused", failing("socat", "-", "TCP:" + H + ":" + closed).err(), Category.REFUSED, "ECONNREFUSED");
        check("socat connect timeout", failing("socat", "-", "TCP:" + H + ":" + full + ",connect-timeout=1").err(),
                Category.TIMEOUT, "CONNECT_TIMEOUT");
        check("socat TLS to plain", failing("socat", "-", "OPENSSL:" + H + ":" + peers.plainHttp + ",verify=0").err(),
                Category.TLS, "TLS_NOT_TLS");
        check("socat self-signed", failing("socat", "-", "OPENSSL:localhost:" + peers.tls).err(), Category.TLS, "TLS_CERTIFICATE");
    }

    // ---- openssl s_client: the next step the TLS explanations give, failing the same ways ----

    @Test
    void opensslSClient() {
        Host.Run refused = failing("openssl", "s_client", "-connect", H + ":" + peers.closed);
        check("s_client refused", refused.err() + refused.out(), Category.REFUSED, "ECONNREFUSED");
        assertTrue((refused.err() + refused.out()).contains("errno=111"), refused::toString);
        check("s_client errno only", "connect:errno=111", Category.REFUSED, "ECONNREFUSED");
        Host.Run plain = failing("openssl", "s_client", "-connect", H + ":" + peers.plainHttp);
        check("s_client to plain HTTP", plain.err(), Category.TLS, "TLS_NOT_TLS");
        Host.Run oldVersion = failing("openssl", "s_client", "-connect", H + ":" + peers.tls, "-tls1_1");
        check("s_client alert", oldVersion.err(), Category.TLS, "TLS_HANDSHAKE");
        Host.Run reset = failing("openssl", "s_client", "-connect", H + ":" + peers.reset);
        String resetText = reset.err() + reset.out();
        if (resetText.contains("errno=104")) {
            check("s_client reset", "write:errno=104", Category.PEER_GONE, "ECONNRESET");
        }
        check("s_client reset", resetText, Category.PEER_GONE, null);
    }

    // ---- psql (libpq) and redis-cli ----

    @Test
    void psqlAndRedisCli() {
        String[] psql = {"psql", "-X", "-w", "-c", "select 1"};
        check("psql refused", failing(with(psql, "host=" + H + " port=" + peers.closed + " user=x dbname=x")).err(),
                Category.REFUSED, "ECONNREFUSED");
        check("psql closed at once", failing(with(psql, "host=" + H + " port=" + peers.closeAtOnce + " user=x dbname=x")).err(),
                Category.PEER_GONE, "PEER_CLOSED");
        check("psql timeout", failing(with(psql, "host=" + H + " port=" + peers.fullBacklog + " user=x dbname=x connect_timeout=2"))
                .err(), Category.TIMEOUT, "CONNECT_TIMEOUT");
        check("psql not postgres", failing(with(psql, "host=" + H + " port=" + peers.plainHttp + " user=x dbname=x")).err(),
                Category.PROTOCOL, "WRONG_PROTOCOL");
        Host.Run redisRefused = failing("redis-cli", "-h", H, "-p", String.valueOf(peers.closed), "ping");
        check("redis refused", redisRefused.out() + redisRefused.err(), Category.REFUSED, "ECONNREFUSED");
        Host.Run closedByServer = run("redis-cli", "-h", H, "-p", String.valueOf(peers.closeAtOnce), "ping");
        check("redis closed at once", closedByServer.out() + closedByServer.err(), Category.PEER_GONE, "PEER_CLOSED");
        Host.Run notRedis = run("redis-cli", "-h", H, "-p", String.valueOf(peers.plainHttp), "ping");
        check("redis not redis", notRedis.out() + notRedis.err(), Category.PROTOCOL, "WRONG_PROTOCOL");
        Host.Run tlsToPlain = run("redis-cli", "--tls", "--insecure", "-h", H, "-p", String.valueOf(peers.plainHttp), "ping");
        check("redis TLS to plain", tlsToPlain.out() + tlsToPlain.err(), Category.TLS, "TLS_NOT_TLS");
    }

    // ---- Python: urllib, requests (python3-requests), asyncio; Debian's python3, not another one on PATH ----

    @Test
    void pythonUrllibRequestsAsyncio() {
        String script = String.join("\n",
                "import sys, traceback, asyncio, urllib.request, requests",
                "P = dict(" + ports() + ")",
                "def show(name, f):",
                "    try:",
                "        f()",
                "        print(name + '|no error')",
                "    except BaseException as e:",
                "        print(name + '|' + traceback.format_exception_only(type(e), e)[-1].strip())",
                "def u(p, s='http'):",
                "    return lambda: urllib.request.urlopen(s + '://127.0.0.1:%d/' % p, timeout=1).read()",
                "def r(p, s='http'):",
                "    return lambda: requests.get(s + '://127.0.0.1:%d/' % p, timeout=1)",
                "async def a(p, n):",
                "    rd, wr = await asyncio.wait_for(asyncio.open_connection('127.0.0.1', p), 1)",
                "    wr.write(b'GET / HTTP/1.0\\r\\n\\r\\n')",
                "    await asyncio.wait_for(rd.readexactly(n), 1)",
                "show('urllib-refused', u(P['closed']))",
                "show('urllib-closed', u(P['closeAtOnce']))",
                "show('urllib-truncated', u(P['truncated']))",
                "show('urllib-garbage', u(P['garbage']))",
                "show('urllib-tls-plain', u(P['plainHttp'], 'https'))",
                "show('requests-refused', r(P['closed']))",
                "show('requests-closed', r(P['closeAtOnce']))",
                "show('requests-read-timeout', r(P['silent']))",
                "show('requests-connect-timeout', r(P['fullBacklog']))",
                "show('requests-tls-plain', r(P['plainHttp'], 'https'))",
                "show('requests-tls-eof', r(P['closeAtOnce'], 'https'))",
                "show('asyncio-closed', lambda: asyncio.run(a(P['closeAtOnce'], 1)))",
                "show('asyncio-truncated', lambda: asyncio.run(a(P['truncated'], 1000)))",
                "show('asyncio-refused', lambda: asyncio.run(a(P['closed'], 1)))");
        Map<String, String> got = cases(run("/usr/bin/python3", "-c", script));
        check("urllib refused", got.get("urllib-refused"), Category.REFUSED, "ECONNREFUSED");
        check("urllib RemoteDisconnected", got.get("urllib-closed"), Category.PEER_GONE, "PEER_CLOSED");
        check("urllib IncompleteRead", got.get("urllib-truncated"), Category.PEER_GONE, "TRUNCATED");
        check("urllib BadStatusLine", got.get("urllib-garbage"), Category.PROTOCOL, "WRONG_PROTOCOL");
        check("urllib TLS to plain", got.get("urllib-tls-plain"), Category.TLS, "TLS_NOT_TLS");
        check("requests refused", got.get("requests-refused"), Category.REFUSED, "ECONNREFUSED");
        check("requests closed", got.get("requests-closed"), Category.PEER_GONE, "PEER_CLOSED");
        check("requests read timeout", got.get("requests-read-timeout"), Category.TIMEOUT, "READ_TIMEOUT");
        check("requests connect timeout", got.get("requests-connect-timeout"), Category.TIMEOUT, "CONNECT_TIMEOUT");
        check("requests TLS to plain", got.get("requests-tls-plain"), Category.TLS, "TLS_NOT_TLS");
        check("requests TLS EOF", got.get("requests-tls-eof"), Category.TLS, "TLS_EOF");
        check("asyncio closed", got.get("asyncio-closed"), Category.PEER_GONE, "TRUNCATED");
        check("asyncio truncated", got.get("asyncio-truncated"), Category.PEER_GONE, "TRUNCATED");
        check("asyncio refused", got.get("asyncio-refused"), Category.REFUSED, "ECONNREFUSED");
    }

    private String ports() {
        return "closed=" + peers.closed + ", closeAtOnce=" + peers.closeAtOnce + ", reset=" + peers.reset + ", silent="
                + peers.silent + ", fullBacklog=" + peers.fullBacklog + ", garbage=" + peers.garbage + ", truncated="
                + peers.truncated + ", plainHttp=" + peers.plainHttp + ", tls=" + peers.tls;
    }

    /** "name|text" lines, as the scripts print each case. */
    private static Map<String, String> cases(Host.Run run) {
        assertEquals(0, run.exitCode(), run::toString);
        Map<String, String> got = new LinkedHashMap<>();
        String name = null;
        for (String line : run.out().lines().toList()) {
            int bar = line.indexOf('|');
            if (bar > 0 && line.substring(0, bar).matches("[a-z0-9-]+")) {
                name = line.substring(0, bar);
                got.put(name, line.substring(bar + 1));
            } else if (name != null) {
                got.put(name, got.get(name) + "\n" + line); // a message that goes on over lines
            }
        }
        for (Map.Entry<String, String> e : got.entrySet()) {
            assertNotEquals("no error", e.getValue(), e.getKey() + " did not fail\n" + run.out());
        }
        return got;
    }

    // ---- Node: http and fetch (undici) ----

    @Test
    void nodeHttpAndFetch() {
        String script = String.join("\n",
                "const http = require('http'), https = require('https');",
                "const P = {" + ports().replace("=", ": ") + "};",
                "const keep = setInterval(() => {}, 1000);",
                "function text(e) { let s = String(e); if (e && e.cause) s += ' cause: ' + String(e.cause)"
                        + " + (e.cause.code ? ' [' + e.cause.code + ']' : ''); return s.replace(/\\n/g, ' '); }",
                "function get(mod, url) { return new Promise(res => { const r = mod.get(url, {rejectUnauthorized: false},"
                        + " rs => { rs.on('data', () => {}); rs.on('end', () => res('no error')); rs.on('error', e => res(text(e))); });"
                        + " r.on('error', e => res(text(e))); }); }",
                "async function f(url) { try { const r = await fetch(url); await r.text(); return 'no error'; }"
                        + " catch (e) { return text(e); } }",
                "(async () => {",
                "  console.log('http-refused|' + await get(http, 'http://127.0.0.1:' + P.closed + '/'));",
                "  console.log('http-hang-up|' + await get(http, 'http://127.0.0.1:' + P.closeAtOnce + '/'));",
                "  console.log('http-reset|' + await get(http, 'http://127.0.0.1:' + P.reset + '/'));",
                "  console.log('http-garbage|' + await get(http, 'http://127.0.0.1:' + P.garbage + '/'));",
                "  console.log('https-plain|' + await get(https, 'https://127.0.0.1:' + P.plainHttp + '/'));",
                "  console.log('https-eof|' + await get(https, 'https://127.0.0.1:' + P.closeAtOnce + '/'));",
                "  console.log('fetch-refused|' + await f('http://127.0.0.1:' + P.closed + '/'));",
                "  console.log('fetch-truncated|' + await f('http://127.0.0.1:' + P.truncated + '/'));",
                "  console.log('fetch-garbage|' + await f('http://127.0.0.1:' + P.garbage + '/'));",
                "  console.log('fetch-tls-plain|' + await f('https://127.0.0.1:' + P.plainHttp + '/'));",
                // undici's own timeouts, through the Agent class of fetch's global dispatcher (Node exposes no other way)
                "  const sym = Symbol.for('undici.globalDispatcher.1');",
                "  globalThis[sym] = new globalThis[sym].constructor({connect: {timeout: 1000}, headersTimeout: 1000});",
                "  console.log('fetch-connect-timeout|' + await f('http://127.0.0.1:' + P.fullBacklog + '/'));",
                "  console.log('fetch-headers-timeout|' + await f('http://127.0.0.1:' + P.silent + '/'));",
                "})().finally(() => clearInterval(keep));");
        Map<String, String> got = cases(run("node", "-e", script));
        check("node refused", got.get("http-refused"), Category.REFUSED, "ECONNREFUSED");
        check("node socket hang up", got.get("http-hang-up"), Category.PEER_GONE, "PEER_CLOSED");
        check("node reset", got.get("http-reset"), Category.PEER_GONE, "ECONNRESET");
        check("node parse error", got.get("http-garbage"), Category.PROTOCOL, "WRONG_PROTOCOL");
        check("node TLS to plain", got.get("https-plain"), Category.TLS, "TLS_NOT_TLS");
        check("node TLS EOF", got.get("https-eof"), Category.TLS, "TLS_EOF");
        check("fetch refused", got.get("fetch-refused"), Category.REFUSED, "ECONNREFUSED");
        check("fetch other side closed", got.get("fetch-truncated"), Category.PEER_GONE, "PEER_CLOSED");
        check("fetch parse error", got.get("fetch-garbage"), Category.PROTOCOL, "WRONG_PROTOCOL");
        check("fetch TLS to plain", got.get("fetch-tls-plain"), Category.TLS, "TLS_NOT_TLS");
        check("fetch connect timeout", got.get("fetch-connect-timeout"), Category.TIMEOUT, "CONNECT_TIMEOUT");
        check("fetch headers timeout", got.get("fetch-headers-timeout"), Category.TIMEOUT, "READ_TIMEOUT");
    }

    // ---- perl: IO::Socket::INET, HTTP::Tiny (with IO::Socket::SSL) ----

    @Test
    void perlIoSocketAndHttpTiny() {
        String script = String.join("\n",
                "use IO::Socket::INET; use HTTP::Tiny;",
                "my %P = (" + ports().replace("=", " => ") + ");",
                "sub inet { my ($n, $p) = @_; my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $p, Timeout => 1);"
                        + " print $s ? \"$n|no error\\n\" : \"$n|$@\\n\"; }",
                "sub tiny { my ($n, $u) = @_; my $r = HTTP::Tiny->new(timeout => 1, verify_SSL => 0)->get($u);"
                        + " my $c = $r->{content}; $c =~ s/\\s+$//; print \"$n|$r->{status} $c\\n\"; }",
                "inet('inet-refused', $P{closed});",
                "inet('inet-timeout', $P{fullBacklog});",
                "tiny('tiny-refused', \"http://127.0.0.1:$P{closed}/\");",
                "tiny('tiny-reset', \"http://127.0.0.1:$P{reset}/\");",
                "tiny('tiny-truncated', \"http://127.0.0.1:$P{truncated}/\");",
                "tiny('tiny-read-timeout', \"http://127.0.0.1:$P{silent}/\");",
                "tiny('tiny-garbage', \"http://127.0.0.1:$P{garbage}/\");",
                "tiny('tiny-tls-plain', \"https://127.0.0.1:$P{plainHttp}/\");");
        Map<String, String> got = cases(run("perl", "-e", script));
        check("perl refused", got.get("inet-refused"), Category.REFUSED, "ECONNREFUSED");
        check("perl connect timeout", got.get("inet-timeout"), Category.TIMEOUT, "CONNECT_TIMEOUT");
        check("HTTP::Tiny refused", got.get("tiny-refused"), Category.REFUSED, "ECONNREFUSED");
        check("HTTP::Tiny reset", got.get("tiny-reset"), Category.PEER_GONE, "ECONNRESET");
        check("HTTP::Tiny truncated", got.get("tiny-truncated"), Category.PEER_GONE, "TRUNCATED");
        check("HTTP::Tiny read timeout", got.get("tiny-read-timeout"), Category.TIMEOUT, "READ_TIMEOUT");
        check("HTTP::Tiny garbage", got.get("tiny-garbage"), Category.PROTOCOL, "WRONG_PROTOCOL");
        check("HTTP::Tiny TLS to plain", got.get("tiny-tls-plain"), Category.TLS, "TLS_NOT_TLS");
    }

    // ---- Go (golang-go) and Rust (rustc): each standard library's own words, built and run by the test ----

    /** The test resource {@code name} compiled by {@code compile} (its last two arguments: source, binary), run on the peers. */
    private Map<String, String> compiledCases(String name, List<String> compile, Map<String, String> environment) throws Exception {
        Path source = peers.dir.resolve(name);
        try (var in = ToolErrorTextTest.class.getResourceAsStream(name)) {
            Files.write(source, in.readAllBytes());
        }
        Path binary = peers.dir.resolve(name + ".bin");
        List<String> command = new ArrayList<>(compile);
        command.addAll(List.of("-o", binary.toString(), source.toString()));
        ProcessBuilder build = new ProcessBuilder(command).redirectErrorStream(true);
        build.environment().putAll(environment);
        Process p = build.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, () -> command + " failed:\n" + log);
        return cases(run(binary.toString(), ports()));
    }

    @Test
    void goNetHttpAndTls() throws Exception {
        Host.require("go");
        Map<String, String> got = compiledCases("tool-errors.go", List.of("/usr/bin/go", "build"),
                Map.of("GOCACHE", peers.dir.resolve("gocache").toString(), "GOPATH", peers.dir.resolve("gopath").toString(),
                        "GO111MODULE", "off", "GOFLAGS", "", "GOTOOLCHAIN", "local"));
        check("Go refused", got.get("http-refused"), Category.REFUSED, "ECONNREFUSED");
        check("Go EOF", got.get("http-eof"), Category.PEER_GONE, "PEER_CLOSED");
        check("Go reset", got.get("http-reset"), Category.PEER_GONE, "ECONNRESET");
        check("Go malformed response", got.get("http-garbage"), Category.PROTOCOL, "WRONG_PROTOCOL");
        check("Go body cut short", got.get("http-truncated"), Category.PEER_GONE, "TRUNCATED");
        // a Client.Timeout says "awaiting headers" whichever phase ran out; a dial still running is either named
        // ("dial tcp ...: i/o timeout") or not ("context deadline exceeded"), as the timer and the dial race
        check("Go Client.Timeout awaiting headers", got.get("http-headers-timeout"), Category.TIMEOUT, "REQUEST_TIMEOUT");
        String dialing = got.get("http-connect-timeout");
        check("Go Client.Timeout while connecting", dialing, Category.TIMEOUT,
                dialing.contains("dial tcp") ? "CONNECT_TIMEOUT" : "REQUEST_TIMEOUT");
        check("Go HTTPS to plain HTTP", got.get("https-plain"), Category.TLS, "TLS_NOT_TLS");
        check("Go untrusted certificate", got.get("https-untrusted"), Category.TLS, "TLS_CERTIFICATE");
        check("Go dial refused", got.get("dial-refused"), Category.REFUSED, "ECONNREFUSED");
        check("Go read deadline", got.get("read-timeout"), Category.TIMEOUT, "READ_TIMEOUT");
        check("Go read reset", got.get("read-reset"), Category.PEER_GONE, "ECONNRESET");
        check("Go TLS to plain", got.get("tls-plain"), Category.TLS, "TLS_NOT_TLS");
    }

    @Test
    void rustStd() throws Exception {
        Host.require("rustc");
        Map<String, String> got = compiledCases("tool-errors.rs", List.of("/usr/bin/rustc", "-O"), Map.of());
        check("Rust refused", got.get("connect-refused"), Category.REFUSED, "ECONNREFUSED");
        check("Rust refused, {:?}", got.get("connect-refused-debug"), Category.REFUSED, "ECONNREFUSED");
        check("Rust reset", got.get("read-reset"), Category.PEER_GONE, "ECONNRESET");
        check("Rust connect_timeout", got.get("connect-timeout"), Category.TIMEOUT, null);
        // set_read_timeout expiring: the kernel's EAGAIN, which Rust shows as "Resource temporarily unavailable"
        Explanation readTimeout = check("Rust read timeout", got.get("read-timeout"), Category.WOULD_BLOCK, "EAGAIN");
        assertTrue(readTimeout.summary().contains("timeout") || readTimeout.explanation().contains("timeout"), readTimeout::toString);
    }

    // ---- Java: HttpClient and JSSE, in-process ----

    @Test
    void javaHttpClientAndJsse() throws Exception {
        // 1 s only where the timeout is the case; the TLS cases' handshakes get 15 s on a loaded machine
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpClient patient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).build();
        check("HttpClient refused", javaFailure(() -> patient.send(request(url(peers.closed), 15), HttpResponse.BodyHandlers.ofString())),
                Category.REFUSED, "ECONNREFUSED");
        check("HttpClient no bytes", javaFailure(() -> patient.send(request(url(peers.closeAtOnce), 15),
                HttpResponse.BodyHandlers.ofString())), Category.PEER_GONE, "PEER_CLOSED");
        check("HttpClient request timeout", javaFailure(() -> patient.send(request(url(peers.silent), 1),
                HttpResponse.BodyHandlers.ofString())), Category.TIMEOUT, "READ_TIMEOUT");
        check("HttpClient connect timeout", javaFailure(() -> client.send(request(url(peers.fullBacklog), 15),
                HttpResponse.BodyHandlers.ofString())), Category.TIMEOUT, "CONNECT_TIMEOUT");
        check("HttpClient TLS to plain", javaFailure(() -> patient.send(request(tlsUrl(peers.plainHttp), 15),
                HttpResponse.BodyHandlers.ofString())), Category.TLS, null);
        check("HttpClient self-signed", javaFailure(() -> patient.send(request("https://localhost:" + peers.tls + "/", 15),
                HttpResponse.BodyHandlers.ofString())), Category.TLS, "TLS_CERTIFICATE");
        Exception plain = assertThrowsAny(() -> handshake(peers.plainHttp));
        check("JSSE to plain", javaFailure(() -> {
            throw plain;
        }), Category.TLS, "TLS_NOT_TLS");
        // the exception itself, as the other commands classify it
        assertEquals(Category.TLS, classifier.classify(plain).category(), plain.toString());
        check("JSSE peer closes", javaFailure(() -> handshake(peers.closeAtOnce)), Category.TLS, "TLS_EOF");
        // a name that never went to a resolver: NIO's own exception
        check("NIO unresolved", javaFailure(() -> {
            try (SocketChannel c = SocketChannel.open()) {
                c.connect(InetSocketAddress.createUnresolved("nonexistent.invalid", 80));
            }
            return null;
        }), Category.NAME_PERMANENT, "EAI_NONAME");
    }

    private static HttpRequest request(String url, int seconds) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(seconds)).build();
    }

    private static Object handshake(int port) throws IOException, java.security.NoSuchAlgorithmException {
        try (SSLSocket s = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket(H, port)) {
            s.setSoTimeout(15000);
            s.startHandshake();
        }
        return null;
    }

    private interface Failing {
        Object call() throws Exception;
    }

    private static Exception assertThrowsAny(Failing f) {
        try {
            f.call();
        } catch (Exception e) {
            return e;
        }
        return fail("expected a failure");
    }

    /** An exception as a stack trace prints it: the exception line and its causes. */
    private static String javaFailure(Failing f) {
        Exception e = assertThrowsAny(f);
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(text.isEmpty() ? "" : "Caused by: ").append(t).append('\n');
        }
        return text.toString();
    }

    // ---- nginx as a reverse proxy: its error.log for upstreams that refuse, close, reset, stall or speak garbage ----

    @Test
    void nginxErrorLog() throws Exception {
        Path prefix = Files.createDirectories(peers.dir.resolve("nginx"));
        Files.createDirectories(prefix.resolve("logs"));
        Files.createDirectories(prefix.resolve("tmp"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, LoopbackPeers.LOOPBACK)) {
            port = s.getLocalPort();
        }
        Map<String, Integer> upstreams = new LinkedHashMap<>();
        upstreams.put("closed", peers.closed);
        upstreams.put("closeAtOnce", peers.closeAtOnce);
        upstreams.put("reset", peers.reset);
        upstreams.put("truncated", peers.truncated);
        upstreams.put("silent", peers.silent);
        upstreams.put("fullBacklog", peers.fullBacklog);
        upstreams.put("garbage", peers.garbage);
        StringBuilder conf = new StringBuilder();
        String tmp = prefix.resolve("tmp").toString();
        conf.append("daemon off; master_process off; pid ").append(prefix.resolve("nginx.pid")).append(";\n")
                .append("error_log ").append(prefix.resolve("logs/error.log")).append(" error;\n")
                .append("events { worker_connections 64; }\nhttp { access_log off;\n")
                .append("  client_body_temp_path ").append(tmp).append("; proxy_temp_path ").append(tmp)
                .append("; fastcgi_temp_path ").append(tmp).append("; uwsgi_temp_path ").append(tmp)
                .append("; scgi_temp_path ").append(tmp).append(";\n")
                .append("  server { listen 127.0.0.1:").append(port).append("; proxy_connect_timeout 1s; proxy_read_timeout 1s;\n");
        upstreams.forEach((name, p) -> conf.append("    location /").append(name).append(" { proxy_pass http://127.0.0.1:")
                .append(p).append("; }\n"));
        conf.append("    location /tls { proxy_pass https://127.0.0.1:").append(peers.plainHttp).append("; }\n  }\n}\n");
        Files.writeString(prefix.resolve("nginx.conf"), conf.toString());
        Process nginx = new ProcessBuilder("nginx", "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString(),
                "-e", prefix.resolve("logs/error.log").toString()).redirectErrorStream(true)
                .redirectOutput(prefix.resolve("logs/stdout").toFile()).start();
        Map<String, String> log = new LinkedHashMap<>();
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            waitForListener(port, nginx);
            List<String> paths = new ArrayList<>(upstreams.keySet());
            paths.add("tls");
            for (String path : paths) {
                int before = errorLines(prefix).size();
                try {
                    client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + path))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
                } catch (IOException e) {
                    // nginx may close on a broken upstream response; its log is what counts
                }
                List<String> lines = errorLines(prefix);
                for (int i = 0; i < 50 && lines.size() == before; i++) {
                    Thread.sleep(20);
                    lines = errorLines(prefix);
                }
                assertTrue(lines.size() > before, () -> path + ": nothing in error.log");
                log.put(path, String.join("\n", lines.subList(before, lines.size())));
            }
        } finally {
            nginx.destroy();
            if (!nginx.waitFor(5, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        }
        check("nginx refused", log.get("closed"), Category.REFUSED, "ECONNREFUSED");
        check("nginx prematurely closed", log.get("closeAtOnce"), Category.PEER_GONE, "PEER_CLOSED");
        check("nginx reset", log.get("reset"), Category.PEER_GONE, "ECONNRESET");
        check("nginx cut short", log.get("truncated"), Category.PEER_GONE, "TRUNCATED");
        check("nginx read timeout", log.get("silent"), Category.TIMEOUT, "READ_TIMEOUT");
        check("nginx connect timeout", log.get("fullBacklog"), Category.TIMEOUT, "CONNECT_TIMEOUT");
        check("nginx garbage", log.get("garbage"), Category.PROTOCOL, "WRONG_PROTOCOL");
        check("nginx TLS to plain", log.get("tls"), Category.TLS, "TLS_NOT_TLS");
    }

    private static List<String> errorLines(Path prefix) throws IOException {
        Path log = prefix.resolve("logs/error.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains("[error]")).toList();
    }

    private static void waitForListener(int port, Process nginx) throws Exception {
        for (int i = 0; i < 250; i++) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new InetSocketAddress(LoopbackPeers.LOOPBACK, port), 200);
                return;
            } catch (IOException e) {
                if (!nginx.isAlive()) {
                    fail("nginx exited: " + nginx.exitValue());
                }
                Thread.sleep(20);
            }
        }
        fail("nginx did not listen on " + port);
    }

    // ---- name resolution without glibc's message: in a namespace whose only DNS server answers NXDOMAIN ----

    @Test
    void nameResolutionInEachProgramsWords() throws Exception {
        try (Namespaces namespaces = new Namespaces("expl")) {
            String ns = namespaces.create("dns");
            Path etc = Path.of("/etc/netns", ns);
            boolean hadNetns = Files.isDirectory(etc.getParent());
            Files.createDirectories(etc);
            Process stub = null;
            try {
                Files.writeString(etc.resolve("resolv.conf"), "nameserver 127.0.0.1\noptions attempts:1 timeout:1\n");
                stub = new ProcessBuilder("ip", "netns", "exec", ns, "/usr/bin/python3", "-c", NXDOMAIN_STUB).start();
                if (!new String(stub.getInputStream().readNBytes(6), StandardCharsets.UTF_8).equals("ready\n")) {
                    fail("DNS stub did not start: " + new String(stub.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                }
                Host.Run getent = Namespaces.exec(ns, "getent", "hosts", "nonexistent.invalid");
                assertEquals(2, getent.exitCode(), "the stub answers NXDOMAIN: " + getent);
                String name = "nonexistent.invalid";
                Map<String, Host.Run> runs = new LinkedHashMap<>();
                runs.put("curl", Namespaces.exec(ns, "curl", "-sS", "http://" + name + "/"));
                runs.put("wget", Namespaces.exec(ns, "wget", "-t", "1", "-O", "/dev/null", "http://" + name + "/"));
                runs.put("ssh", Namespaces.exec(ns, "ssh", "-o", "BatchMode=yes", name, "true"));
                runs.put("nc", Namespaces.exec(ns, "/bin/nc.openbsd", name, "80"));
                runs.put("ncat", Namespaces.exec(ns, "ncat", name, "80"));
                runs.put("socat", Namespaces.exec(ns, "socat", "-", "TCP:" + name + ":80"));
                runs.put("openssl", Namespaces.exec(ns, "openssl", "s_client", "-connect", name + ":443"));
                runs.put("psql", Namespaces.exec(ns, "psql", "-X", "-w", "host=" + name + " user=x dbname=x"));
                runs.put("redis-cli", Namespaces.exec(ns, "redis-cli", "-h", name, "ping"));
                runs.put("python", Namespaces.exec(ns, "/usr/bin/python3", "-c",
                        "import requests\ntry:\n requests.get('http://" + name + "/')\nexcept Exception as e:\n print(repr(e))"));
                runs.put("node", Namespaces.exec(ns, "node", "-e",
                        "require('http').get('http://" + name + "/').on('error', e => console.log(String(e)))"));
                runs.put("perl", Namespaces.exec(ns, "perl", "-MIO::Socket::INET", "-e",
                        "IO::Socket::INET->new(PeerAddr => '" + name + ":80') or print \"$@\\n\""));
                for (Map.Entry<String, Host.Run> r : runs.entrySet()) {
                    String output = r.getValue().out() + r.getValue().err();
                    Explanation e = check(r.getKey() + " name", output, Category.NAME_PERMANENT, null);
                    assertTrue(e.symbol().equals("EAI_NONAME") || e.symbol().startsWith("CURLE_COULDNT_RESOLVE"),
                            r.getKey() + ": " + e.symbol() + "\n" + output);
                }
            } finally {
                if (stub != null) {
                    stub.destroy();
                    stub.waitFor(5, TimeUnit.SECONDS);
                }
                Files.deleteIfExists(etc.resolve("resolv.conf"));
                Files.deleteIfExists(etc);
                if (!hadNetns) {
                    try (var left = Files.list(etc.getParent())) {
                        if (left.findAny().isEmpty()) {
                            Files.deleteIfExists(etc.getParent()); // leave /etc as it was
                        }
                    }
                }
            }
        }
    }

    /** A DNS server on 127.0.0.1:53 that answers every query NXDOMAIN (header flags 0x8183, the question echoed). */
    private static final String NXDOMAIN_STUB = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.bind(('127.0.0.1', 53))",
            "sys.stdout.write('ready\\n'); sys.stdout.flush()",
            "while True:",
            "    q, a = s.recvfrom(4096)",
            "    end = 12",
            "    while end < len(q) and q[end] != 0:",
            "        end += q[end] + 1",
            "    question = q[12:end + 5]",
            "    s.sendto(q[:2] + b'\\x81\\x83' + b'\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00' + question, a)");
}
