package io.netdiag.diagnose;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

/**
 * Step 7: a second connection, held for a moment: does the peer reset it or close it at once, does it speak
 * first (an SSH, SMTP or FTP banner), and with {@code --tls}, does a ClientHello get a TLS answer.
 */
final class AfterConnect {
    private AfterConnect() {
    }

    /**
     * What the second connection showed.
     *
     * @param outcome  silent (waits for the client, as HTTP does), banner, closed, reset, tls, not-tls, failed
     * @param banner   the first line the server sent, or null
     * @param tls      the TLS version and cipher suite, or the handshake's failure, with {@code --tls}
     * @param millis   how long after connecting the outcome came
     */
    record Result(String outcome, String banner, String tls, long millis) {
        boolean reset() {
            return outcome.equals("reset");
        }

        boolean closed() {
            return outcome.equals("closed");
        }

        String status() {
            return reset() || closed() ? Step.FAIL : outcome.equals("not-tls") || outcome.equals("failed") ? Step.WARN : Step.OK;
        }

        String afterText() {
            return " " + millis + " ms after the handshake";
        }

        String detail() {
            String tlsText = tls == null ? "" : "; TLS: " + tls;
            return switch (outcome) {
                case "reset" -> "the peer reset the connection" + afterText() + tlsText;
                case "closed" -> "the peer closed the connection" + afterText() + " without sending anything" + tlsText;
                case "banner" -> "the peer speaks first: " + banner + tlsText;
                case "silent" -> "connected; the peer waits for the client to speak (as HTTP and TLS servers do)" + tlsText;
                default -> (banner == null ? "connected" : "the peer speaks first: " + banner) + tlsText;
            };
        }
    }

    static Result check(InetAddress address, int port, int waitMillis, boolean tls, String host) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), waitMillis);
            long connected = System.nanoTime();
            if (tls) {
                return handshake(socket, address, port, host, connected);
            }
            socket.setSoTimeout(Math.min(waitMillis, 1500));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[512];
            try {
                int n = in.read(buffer);
                long after = (System.nanoTime() - connected) / 1_000_000;
                if (n < 0) {
                    return new Result("closed", null, null, after);
                }
                return new Result("banner", firstLine(buffer, n), null, after);
            } catch (SocketTimeoutException e) {
                return new Result("silent", null, null, (System.nanoTime() - connected) / 1_000_000);
            } catch (SocketException e) {
                return new Result(reset(e) ? "reset" : "failed", null, null, (System.nanoTime() - connected) / 1_000_000);
            }
        } catch (IOException e) {
            return new Result(reset(e) ? "reset" : "failed", null, null, (System.nanoTime() - start) / 1_000_000);
        }
    }

    private static boolean reset(IOException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return m.contains("reset") || m.contains("broken pipe");
    }

    private static Result handshake(Socket plain, InetAddress address, int port, String host, long connected) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            // the question is "does it speak TLS", not "is the certificate trusted": accept any, report what came
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            plain.setSoTimeout(3000);
            try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true)) {
                s.startHandshake();
                SSLSession session = s.getSession();
                String subject = "";
                if (session.getPeerCertificates().length > 0
                        && session.getPeerCertificates()[0] instanceof X509Certificate x) {
                    subject = ", certificate " + x.getSubjectX500Principal().getName();
                }
                return new Result("tls", null, session.getProtocol() + " " + session.getCipherSuite() + subject,
                        (System.nanoTime() - connected) / 1_000_000);
            }
        } catch (GeneralSecurityException e) {
            return new Result("failed", null, "cannot set up TLS here: " + e.getMessage(), 0);
        } catch (IOException e) {
            long after = (System.nanoTime() - connected) / 1_000_000;
            if (reset(e)) {
                return new Result("reset", null, "reset during the TLS handshake", after);
            }
            return new Result("not-tls", null, "no TLS answer: " + e.getMessage(), after);
        }
    }

    private static String firstLine(byte[] b, int n) {
        String s = new String(b, 0, n, StandardCharsets.ISO_8859_1);
        int nl = s.indexOf('\n');
        String line = (nl >= 0 ? s.substring(0, nl) : s).strip();
        StringBuilder out = new StringBuilder();
        for (char c : line.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? c : '.');
        }
        return out.length() > 80 ? out.substring(0, 80) + "..." : out.toString();
    }
}
