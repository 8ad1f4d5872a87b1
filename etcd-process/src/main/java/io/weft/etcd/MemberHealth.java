package io.weft.etcd;

import java.util.regex.Pattern;

/** What a member's {@code GET /health} said. */
public enum MemberHealth {
    /** {@code {"health":"true"}}: the member has a leader and can serve a linearizable read. */
    HEALTHY,
    /** The member answered, but not with {@code "health":"true"} (no leader, an alarm, ...). */
    UNHEALTHY,
    /** No HTTP answer in time: the process is gone, paused, or not listening yet. */
    NOT_ANSWERING;

    // etcd answers {"health":"true"} (3.4) or {"health":"true","reason":""} (3.5); a search for
    // the one field is enough and keeps this module free of a JSON library.
    private static final Pattern HEALTH_TRUE = Pattern.compile("\"health\"\\s*:\\s*\"true\"");

    /** Classifies a {@code /health} response that arrived with the given HTTP status. */
    public static MemberHealth fromResponse(int httpStatus, String body) {
        return httpStatus == 200 && HEALTH_TRUE.matcher(body).find() ? HEALTHY : UNHEALTHY;
    }
}
