package io.netdiag.fill;

/**
 * A socket buffer option: what was asked for and what the kernel uses.
 *
 * @param option    {@code SO_SNDBUF} or {@code SO_RCVBUF}
 * @param side      the socket it was set on: {@code client} or {@code server}
 * @param requested the value passed to setsockopt, or null when autotuning was left alone
 * @param initial   getsockopt's answer before the first send (Linux doubles a requested value)
 * @param atBlock   getsockopt's answer once the send blocked (autotuning may have grown it)
 * @param autotuned whether the kernel may still grow it (no SO_SNDBUF/SO_RCVBUF lock)
 */
public record BufferSetting(String option, String side, Integer requested, long initial, long atBlock, boolean autotuned) {
}
