package io.netdiag.capture;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Writes classic pcap (microsecond timestamps, true original lengths) with tcpdump's ring-buffer rules:
 * {@code -C} rotates past a size, {@code -W} caps the number of files, {@code -G} rotates on time. Written here
 * rather than with pcap_dump so that every packet is counted and the original length is kept.
 *
 * <p>What is at an output path decides what happens to it, and nothing is ever deleted but a regular file
 * being replaced: a regular file (or nothing) becomes a new file of mode 0600, because it holds other people's
 * traffic, created with O_EXCL so that it is never written through a symbolic link; a FIFO or a device is
 * written into, as tcpdump does ({@code -w /dev/null}, {@code -w fifo}); a symbolic link is followed only to a
 * FIFO or a character device ({@code /dev/stdout}, {@code /dev/fd/63}); a directory, a socket or any other
 * link is refused.
 *
 * <p>A failed write (a full disk) leaves every file valid to its end: the file is cut back to the last whole
 * record, and {@link #packets()} counts exactly the records the files hold. A reader of a pipe or FIFO that
 * goes away ends the writing as {@link OutputGoneException}.
 */
final class PcapFileWriter implements AutoCloseable {
    private static final int GLOBAL_HEADER = 24;
    private static final int RECORD_HEADER = 16;
    /** What tcpdump's stdio buffers before a write to a pipe: a live reader sees packets about as soon. */
    private static final int PIPE_BUFFER = 4096;

    /** A FIFO, pipe or socket whose reader went away (EPIPE): the capture ends quietly, as tcpdump's does. */
    static final class OutputGoneException extends IOException {
        private static final long serialVersionUID = 1L;

        OutputGoneException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** What an output is, which decides whether a failed write can be cut back. */
    private enum Kind { CREATED_FILE, EXISTING_FILE, PIPE, DEVICE }

    private final String name;
    private final int snaplen;
    private final int linkType;
    private final long maxBytes;
    private final int maxFiles;
    private final long rotateNanos;
    private final BooleanSupplier stopped;
    private FileChannel channel;
    private Kind kind;
    private Path path;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private java.lang.foreign.MemorySegment bufferSegment = java.lang.foreign.MemorySegment.ofBuffer(buffer);
    private boolean headerBuffered;
    private int bufferedRecords;
    private long fileBytes;
    private long packets;
    private int fileIndex;
    private int timeFiles;
    private long fileStartNanos;

    /**
     * Opens the first file ({@code -G} names it by the current time, as tcpdump does). Opening a FIFO waits
     * for a reader, as tcpdump's does, until {@code stopped} says the user gave up.
     */
    PcapFileWriter(String name, int snaplen, int dlt, long maxBytes, int maxFiles, long rotateSeconds,
                   BooleanSupplier stopped) throws IOException {
        this.name = name;
        this.snaplen = snaplen;
        this.linkType = LinkNames.fileLinkType(dlt);
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        this.rotateNanos = rotateSeconds * 1_000_000_000L;
        this.stopped = stopped;
        fileStartNanos = System.currentTimeMillis() * 1_000_000L;
        open(fileName(0, fileStartNanos));
    }

    /** Records written whole to the files (so far, and in total once closed). */
    long packets() {
        return packets;
    }

    /**
     * Writes one packet; returns false (and writes nothing) when -G with -W has filled its last file,
     * which is where tcpdump exits.
     */
    boolean write(long epochNanos, byte[] data, int originalLength) throws IOException {
        return write(epochNanos, java.lang.foreign.MemorySegment.ofArray(data), 0, data.length, originalLength);
    }

    /** Writes one packet of {@code caplen} bytes at {@code offset} in {@code data}, as {@link #write(long, byte[], int)}. */
    boolean write(long epochNanos, java.lang.foreign.MemorySegment data, long offset, int caplen, int originalLength)
            throws IOException {
        if (rotateNanos > 0 && epochNanos - fileStartNanos >= rotateNanos) {
            finishFile();
            if (maxFiles > 0 && maxBytes <= 0 && ++timeFiles >= maxFiles) {
                return false;
            }
            fileIndex = maxFiles > 0 ? (fileIndex + 1) % maxFiles : fileIndex + 1;
            fileStartNanos = epochNanos;
            open(fileName(fileIndex, epochNanos));
        } else if (maxBytes > 0 && fileBytes > maxBytes && !"-".equals(name)) {
            finishFile();
            fileIndex = maxFiles > 0 ? (fileIndex + 1) % maxFiles : fileIndex + 1;
            open(fileName(fileIndex, epochNanos));
        }
        int size = RECORD_HEADER + caplen;
        if (buffer.remaining() < size) {
            flush();
            if (buffer.capacity() < size) {
                buffer = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
                bufferSegment = java.lang.foreign.MemorySegment.ofBuffer(buffer);
            }
        }
        buffer.putInt((int) Math.floorDiv(epochNanos, 1_000_000_000L));
        buffer.putInt((int) (Math.floorMod(epochNanos, 1_000_000_000L) / 1000));
        buffer.putInt(caplen);
        buffer.putInt(originalLength);
        int at = buffer.position();
        java.lang.foreign.MemorySegment.copy(data, offset, bufferSegment, at, caplen);
        buffer.position(at + caplen);
        bufferedRecords++;
        fileBytes += size;
        if (kind == Kind.PIPE && buffer.position() >= PIPE_BUFFER) {
            flush(); // a reader is waiting on the other end (tshark -r -): hand on what stdio would have
        }
        return true;
    }

    /** Writes out what is buffered; on failure the file is cut back to its last whole record first. */
    void flush() throws IOException {
        if (channel == null || buffer.position() == 0) {
            return;
        }
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            cutBack(buffer.position());
            throw kind == Kind.PIPE ? new OutputGoneException(e) : e;
        }
        packets += bufferedRecords;
        bufferedRecords = 0;
        headerBuffered = false;
        buffer.clear();
    }

    @Override
    public void close() throws IOException {
        finishFile();
    }

    private void finishFile() throws IOException {
        if (channel == null) {
            return;
        }
        try {
            flush();
        } finally {
            FileChannel c = channel;
            channel = null;
            if (c != null && path != null) {
                c.close(); // standard output stays open to the end of the process
            }
        }
    }

    /**
     * After a write that put only {@code written} bytes of the buffer into the file: counts the records that
     * made it whole and, for a file, truncates the partial record after them, so that the file stays valid to
     * its end for tcpdump and tshark. A file this run created that is left without even a pcap header holds
     * nothing and no reader can open it: it is removed.
     */
    private void cutBack(int written) throws IOException {
        int end = buffer.limit();
        int whole = 0;
        int keep = 0;
        if (!headerBuffered || written >= GLOBAL_HEADER) {
            int at = headerBuffered ? GLOBAL_HEADER : 0;
            keep = at;
            while (at + RECORD_HEADER <= end) {
                int next = at + RECORD_HEADER + buffer.getInt(at + 8);
                if (next > written) {
                    break;
                }
                whole++;
                at = next;
                keep = at;
            }
        }
        packets += whole;
        bufferedRecords = 0;
        buffer.clear();
        FileChannel c = channel;
        channel = null;
        try {
            if (kind == Kind.CREATED_FILE || kind == Kind.EXISTING_FILE) {
                c.truncate(c.size() - (written - keep));
            }
            if (kind == Kind.CREATED_FILE && c.size() < GLOBAL_HEADER) {
                c.close();
                Files.deleteIfExists(path);
            }
        } finally {
            if (path != null) {
                c.close();
            }
        }
    }

    private String fileName(int index, long epochNanos) {
        String base = name;
        if (rotateNanos > 0) {
            base = strftime(name, Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L)).atZone(ZoneId.systemDefault()));
        }
        if (maxBytes <= 0 || (index == 0 && maxFiles == 0)) {
            return base;
        }
        int width = maxFiles > 0 ? String.valueOf(maxFiles).length() : 0;
        String number = String.valueOf(index);
        while (number.length() < width) {
            number = "0" + number;
        }
        return base + number;
    }

    private void open(String file) throws IOException {
        if ("-".equals(file)) {
            path = null;
            channel = new FileOutputStream(FileDescriptor.out).getChannel();
            kind = standardOutputKind();
        } else {
            path = Path.of(file);
            openPath(path);
        }
        buffer.clear();
        buffer.putInt(0xa1b2c3d4);
        buffer.putShort((short) 2);
        buffer.putShort((short) 4);
        buffer.putInt(0); // thiszone
        buffer.putInt(0); // sigfigs
        buffer.putInt(snaplen);
        buffer.putInt(linkType);
        headerBuffered = true;
        bufferedRecords = 0;
        fileBytes = GLOBAL_HEADER;
    }

    /** Opens {@code file} as its type allows (see the class comment); refusals name the path and the reason. */
    private void openPath(Path file) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            create(file);
            return;
        } catch (FileSystemException e) {
            throw refusal(file, e);
        }
        switch (mode & S_IFMT) {
            case S_IFREG -> {
                // replaced, never truncated in place: the old file may be a hard link to something else
                try {
                    Files.delete(file);
                } catch (FileSystemException e) {
                    throw refusal(file, e);
                }
                create(file);
            }
            case S_IFDIR -> throw new FileSystemException(file.toString(), null, "Is a directory");
            case S_IFIFO -> openExisting(file, true, LinkOption.NOFOLLOW_LINKS);
            case S_IFCHR, S_IFBLK -> openExisting(file, false, LinkOption.NOFOLLOW_LINKS);
            case S_IFLNK -> openLinked(file);
            case S_IFSOCK -> throw new FileSystemException(file.toString(), null, "is a socket");
            default -> throw new FileSystemException(file.toString(), null, "is not a file, FIFO or device");
        }
    }

    /**
     * A symbolic link is followed to a FIFO or a character device, and to whatever one of this process's own
     * descriptors is ({@code /dev/stdout}, {@code /dev/fd/63}: the user opened it for netdiag), never to a
     * regular file someone else could have pointed it at.
     */
    private void openLinked(Path file) throws IOException {
        int target;
        try {
            target = (Integer) Files.getAttribute(file, "unix:mode") & S_IFMT;
        } catch (FileSystemException e) {
            target = 0; // dangling: tcpdump would create the file it points to
        }
        switch (target) {
            case S_IFIFO -> openExisting(file, true);
            case S_IFCHR -> openExisting(file, false);
            case S_IFREG, S_IFSOCK -> {
                if (!ownDescriptor(file)) {
                    throw new FileSystemException(file.toString(), null, "is a symbolic link; netdiag follows one only to "
                            + "a FIFO, a character device or its own standard output (or give -w -)");
                }
                kind = target == S_IFREG ? Kind.EXISTING_FILE : Kind.PIPE;
                try {
                    channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                } catch (FileSystemException e) {
                    throw refusal(file, e);
                }
            }
            default -> throw new FileSystemException(file.toString(), null, "is a symbolic link; netdiag follows one only to "
                    + "a FIFO, a character device or its own standard output (or give -w -)");
        }
    }

    /** Whether the chain of links from {@code file} passes through /proc/self/fd or /dev/fd (this process's own). */
    private static boolean ownDescriptor(Path file) {
        Path at = file;
        for (int hops = 0; hops < 8 && Files.isSymbolicLink(at); hops++) {
            try {
                Path link = Files.readSymbolicLink(at);
                at = at.toAbsolutePath().getParent().resolve(link).normalize();
            } catch (IOException e) {
                return false;
            }
            String text = at.toString();
            if (text.startsWith("/proc/self/fd/") || text.startsWith("/dev/fd/")
                    || text.startsWith("/proc/" + ProcessHandle.current().pid() + "/fd/")) {
                return true;
            }
        }
        return false;
    }

    private void create(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            channel = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (FileSystemException e) {
            throw refusal(file, e);
        }
        kind = Kind.CREATED_FILE;
    }

    private void openExisting(Path file, boolean fifo, LinkOption... options) throws IOException {
        kind = fifo ? Kind.PIPE : Kind.DEVICE;
        try {
            channel = fifo ? openFifo(file, options) : FileChannel.open(file, withWrite(options));
        } catch (FileSystemException e) {
            throw refusal(file, e);
        }
    }

    private static java.util.Set<java.nio.file.OpenOption> withWrite(LinkOption... options) {
        java.util.Set<java.nio.file.OpenOption> set = new java.util.HashSet<>(java.util.List.of(options));
        set.add(StandardOpenOption.WRITE);
        return set;
    }

    /**
     * Opening a FIFO for writing blocks until a reader opens it, as tcpdump's fopen does. It happens on a
     * thread of its own so that the user can still give up (Ctrl-C): that thread is then left to finish, and
     * closes what it opened if a reader ever comes.
     */
    private FileChannel openFifo(Path file, LinkOption... options) throws IOException {
        CompletableFuture<FileChannel> opening = new CompletableFuture<>();
        Thread opener = new Thread(() -> {
            try {
                FileChannel c = FileChannel.open(file, withWrite(options));
                if (!opening.complete(c)) {
                    c.close();
                }
            } catch (Throwable e) {
                opening.completeExceptionally(e);
            }
        }, "netdiag-fifo-open");
        opener.setDaemon(true);
        opener.start();
        while (true) {
            try {
                return opening.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (stopped.getAsBoolean() && opening.completeExceptionally(new IOException("given up"))) {
                    throw new InterruptedOpenException(file);
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                opening.completeExceptionally(e);
                throw new InterruptedOpenException(file);
            }
        }
    }

    /** The user stopped the capture while a FIFO still waited for its reader (tcpdump: Interrupted system call). */
    static final class InterruptedOpenException extends FileSystemException {
        private static final long serialVersionUID = 1L;

        InterruptedOpenException(Path file) {
            super(file.toString(), null, "interrupted while waiting for a reader to open it");
        }
    }

    /** The system's words for a failed open, as tcpdump prints them ({@code out.pcap: Permission denied}). */
    private static FileSystemException refusal(Path file, FileSystemException e) {
        if (e instanceof InterruptedOpenException) {
            return e;
        }
        String reason = e.getReason();
        if (reason == null) {
            reason = switch (e) {
                case NoSuchFileException n -> "No such file or directory";
                case AccessDeniedException a -> "Permission denied";
                case FileAlreadyExistsException x -> "File exists";
                default -> e.getClass().getSimpleName();
            };
        }
        return new FileSystemException(file.toString(), null, reason);
    }

    /** Standard output as a pcap target: a file can be cut back after a failed write, a pipe's reader can leave. */
    private static Kind standardOutputKind() {
        try {
            int mode = (Integer) Files.getAttribute(Path.of("/proc/self/fd/1"), "unix:mode") & S_IFMT;
            return switch (mode) {
                case S_IFREG -> Kind.EXISTING_FILE;
                case S_IFIFO, S_IFSOCK -> Kind.PIPE;
                default -> Kind.DEVICE;
            };
        } catch (IOException | RuntimeException e) {
            return Kind.DEVICE; // no /proc: write, and never truncate
        }
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;

    /** The strftime conversions tcpdump users put in -G file names. */
    private static String strftime(String pattern, ZonedDateTime t) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                s.append(c);
                continue;
            }
            char f = pattern.charAt(++i);
            switch (f) {
                case 'Y' -> s.append(t.getYear());
                case 'm' -> s.append(String.format("%02d", t.getMonthValue()));
                case 'd' -> s.append(String.format("%02d", t.getDayOfMonth()));
                case 'H' -> s.append(String.format("%02d", t.getHour()));
                case 'M' -> s.append(String.format("%02d", t.getMinute()));
                case 'S' -> s.append(String.format("%02d", t.getSecond()));
                case 's' -> s.append(t.toEpochSecond());
                case '%' -> s.append('%');
                default -> s.append('%').append(f);
            }
        }
        return s.toString();
    }
}
