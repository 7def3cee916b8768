package io.netdiag.capture;

import java.nio.file.Path;

/**
 * What to capture or read, as the command line said it (tcpdump's options).
 *
 * @param device interface name or 1-based index from {@code -D}; null means tcpdump's default
 * @param readFile a pcap or pcapng file to read instead of capturing
 * @param filter a BPF expression or null
 * @param count stop after this many packets; 0 means no limit
 * @param durationSeconds stop after this many seconds; 0 means no limit
 * @param writeFile classic pcap output ({@code -} for standard output), or null to print summaries
 * @param fileSizeMb rotate the output when it exceeds this many million bytes; 0 means never
 * @param fileCount keep at most this many rotated files; 0 means no limit
 * @param rotateSeconds start a new output file every this many seconds; 0 means never
 * @param dataSources keep the bytes of reassembled and de-chunked data with each packet (for -x)
 */
public record CaptureRequest(String device, Path readFile, String filter, long count, long durationSeconds,
                             int snaplen, int bufferBytes, boolean immediate, String writeFile, long fileSizeMb,
                             int fileCount, long rotateSeconds, boolean dataSources) {
    public static final int DEFAULT_SNAPLEN = 262144;
}
