package io.weft.etcd;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of etcd's maintenance status that identify a member and the leader it follows.
 * Member ids are unsigned 64-bit numbers, kept in a {@code long}; compare them with {@code ==}
 * and print them with {@link Long#toUnsignedString(long)}.
 *
 * @param memberId the id of the member that answered
 * @param leaderId the id of the member it currently believes to be leader (0 if none)
 * @param raftTerm the raft term the member is in
 */
public record MemberStatus(long memberId, long leaderId, long raftTerm) {

    // The status response is machine-written with a fixed schema (etcdserverpb.StatusResponse).
    // "member_id" occurs only in its header, "leader" and "raftTerm" only at the top level, and
    // all three values are integers: the gRPC gateway quotes them as strings, etcdctl -w json
    // does not. A pattern per field therefore finds exactly the value, without a JSON library.
    private static final Pattern MEMBER_ID = field("member_id");
    private static final Pattern LEADER = field("leader");
    private static final Pattern RAFT_TERM = field("raftTerm");

    /** Whether the answering member believes it is the leader. */
    public boolean isLeader() {
        return leaderId != 0 && memberId == leaderId;
    }

    /**
     * Parses the JSON of {@code POST /v3/maintenance/status} (gRPC gateway) or of one entry's
     * {@code Status} in {@code etcdctl endpoint status -w json}.
     *
     * @throws IllegalArgumentException naming the missing field if the text is not such a response
     */
    public static MemberStatus parse(String json) {
        return new MemberStatus(
                unsignedField(MEMBER_ID, "member_id", json),
                unsignedField(LEADER, "leader", json),
                unsignedField(RAFT_TERM, "raftTerm", json));
    }

    private static Pattern field(String name) {
        return Pattern.compile("\"" + name + "\"\\s*:\\s*\"?(\\d+)\"?");
    }

    private static long unsignedField(Pattern pattern, String name, String json) {
        Matcher matcher = pattern.matcher(json);
        if (!matcher.find()) {
            throw new IllegalArgumentException("no \"" + name + "\" in etcd status response: " + abbreviate(json));
        }
        try {
            return Long.parseUnsignedLong(matcher.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "\"" + name + "\" is not an unsigned 64-bit number in: " + abbreviate(json), e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
