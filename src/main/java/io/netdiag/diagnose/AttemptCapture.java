package io.netdiag.diagnose;

import io.netdiag.capture.CaptureRequest;
import io.netdiag.capture.PacketCapture;
import io.netdiag.capture.PacketSummary;
import io.netdiag.explain.NetdiagException;
import io.netdiag.os.AddressText;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Step 8 ({@code --capture}): one more attempt, captured on the route's interface with the capture engine, so
 * that the RST or ICMP error and its sender show as packets with the TCP analysis flags.
 */
final class AttemptCapture {
    private static final int SHOWN = 12;

    private AttemptCapture() {
    }

    /**
     * @param refused  the capture could not be opened for lack of privilege
     * @param packets  the packets of the attempt, as summaries
     */
    record Result(String status, String detail, boolean refused, List<PacketSummary> packets) {
    }

    static Result run(InetAddress address, int port, boolean udp, String device, int waitMillis, Runnable attempt) {
        String icmp = address instanceof Inet6Address ? "icmp6" : "icmp";
        String filter = "host " + AddressText.of(address) + " and (" + (udp ? "udp" : "tcp") + " port " + port + " or " + icmp + ")";
        CaptureRequest request = new CaptureRequest(device == null ? "any" : device, null, filter, 0, 0,
                CaptureRequest.DEFAULT_SNAPLEN, 0, true, null, 0, 0, 0, false);
        io.netdiag.capture.LiveCapture live;
        try {
            live = PacketCapture.open(request);
        } catch (NetdiagException e) {
            boolean permission = e.kind() == NetdiagException.Kind.UNSUPPORTED;
            return new Result(Step.SKIP, "cannot capture on " + request.device() + ": " + e.getMessage(), permission, List.of());
        }
        List<PacketSummary> packets = new ArrayList<>();
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> live.run(p -> {
            synchronized (packets) {
                packets.add(p);
            }
        }), r -> Thread.ofPlatform().daemon().name("diagnose-capture").start(r));
        try {
            Thread.sleep(150); // the handle is open; let the loop start before the packets come
            attempt.run();
            Thread.sleep(300); // a trailing RST or ICMP error
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            live.stop();
        }
        try {
            running.get(Math.max(1000, waitMillis), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // the packets seen so far still tell
        }
        List<String> lines = new ArrayList<>();
        synchronized (packets) {
            for (PacketSummary p : packets.subList(0, Math.min(SHOWN, packets.size()))) {
                lines.add(p.source() + " > " + p.destination() + " " + p.protocol() + " " + p.info());
            }
            String more = packets.size() > SHOWN ? "; and " + (packets.size() - SHOWN) + " more" : "";
            String head = packets.size() + " packet" + (packets.size() == 1 ? "" : "s") + " on " + live.device();
            return new Result(Step.OK, head + (lines.isEmpty() ? "" : ": " + String.join(" | ", lines)) + more, false,
                    List.copyOf(packets));
        }
    }
}
