package io.weft.node.netlink;

/**
 * The Linux errno values netlink answers with, by name and with libc's text, so an error message
 * reads "No such device (ENODEV)" rather than "-19".
 */
enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    ESRCH(3, "No such process"),
    EINTR(4, "Interrupted system call"),
    EIO(5, "Input/output error"),
    ENXIO(6, "No such device or address"),
    E2BIG(7, "Argument list too long"),
    EBADF(9, "Bad file descriptor"),
    EAGAIN(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EFAULT(14, "Bad address"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    ENODEV(19, "No such device"),
    ENOTDIR(20, "Not a directory"),
    EINVAL(22, "Invalid argument"),
    EMFILE(24, "Too many open files"),
    ENOSPC(28, "No space left on device"),
    ERANGE(34, "Numerical result out of range"),
    ENAMETOOLONG(36, "File name too long"),
    EPROTO(71, "Protocol error"),
    EOVERFLOW(75, "Value too large for defined data type"),
    EMSGSIZE(90, "Message too long"),
    EPROTONOSUPPORT(93, "Protocol not supported"),
    EOPNOTSUPP(95, "Operation not supported"),
    EAFNOSUPPORT(97, "Address family not supported by protocol"),
    EADDRINUSE(98, "Address already in use"),
    EADDRNOTAVAIL(99, "Cannot assign requested address"),
    ENETDOWN(100, "Network is down"),
    ENETUNREACH(101, "Network is unreachable"),
    ENOBUFS(105, "No buffer space available"),
    ETIMEDOUT(110, "Connection timed out"),
    EHOSTUNREACH(113, "No route to host");

    private final int value;
    private final String text;

    Errno(int value, String text) {
        this.value = value;
        this.text = text;
    }

    int value() {
        return value;
    }

    /** The symbolic name ("ENOENT"), or "errno 200" for one this table lacks. */
    static String nameOf(int errno) {
        for (Errno e : values()) {
            if (e.value == errno) {
                return e.name();
            }
        }
        return "errno " + errno;
    }

    /** libc's text for the errno ("No such device"), or "error 200" for one this table lacks. */
    static String textOf(int errno) {
        for (Errno e : values()) {
            if (e.value == errno) {
                return e.text;
            }
        }
        return "error " + errno;
    }

    /** "No such device (ENODEV)". */
    static String describe(int errno) {
        return textOf(errno) + " (" + nameOf(errno) + ")";
    }
}
