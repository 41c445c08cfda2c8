import Glibc

/// Writes all of `buffer` to `descriptor`: short writes continued, interruptions retried, a
/// non-blocking descriptor (a terminal another program left so) waited on. False, errno set,
/// when it could not.
public func writeWhole(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
    var offset = 0
    while offset < buffer.count {
        let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 && errno == EINTR { continue }
        if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
            var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            _ = poll(&ready, 1, -1)
            continue
        }
        guard written > 0 else { return false }
        offset += written
    }
    return true
}
