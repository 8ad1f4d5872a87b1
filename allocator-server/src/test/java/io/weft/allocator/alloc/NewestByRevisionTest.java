package io.weft.allocator.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The newest put or delete wins, whether a value is held at its own revision or at another. */
@Timeout(10)
class NewestByRevisionTest {

    /** A value that knows its own revision, as a claim knows its key's mod revision. */
    private record Held(String text, long ownRevision) {}

    private final NewestByRevision<String, Held> held = new NewestByRevision<>(Held::ownRevision);

    @Test
    void anOlderPutOrDeleteChangesNothing() {
        assertThat(held.put("k", new Held("a", 5), 5)).isTrue();
        assertThat(held.put("k", new Held("old", 4), 4)).isFalse();
        assertThat(held.put("k", new Held("same", 5), 5)).isFalse();
        assertThat(held.delete("k", 5)).isFalse();
        assertThat(held.get("k")).contains(new Held("a", 5));
    }

    @Test
    void aDeleteIsRememberedSoALatePutStaysDeleted() {
        held.put("k", new Held("a", 5), 5);
        assertThat(held.delete("k", 7)).isTrue();
        assertThat(held.get("k")).isEmpty();
        assertThat(held.put("k", new Held("late", 6), 6)).isFalse();
        assertThat(held.get("k")).isEmpty();
        assertThat(held.put("k", new Held("b", 8), 8)).isTrue();
        assertThat(held.get("k")).contains(new Held("b", 8));
    }

    @Test
    void aValuePutAtAnotherRevisionThanItsOwnIsComparedAtThePutRevision() {
        assertThat(held.put("k", new Held("a", 3), 9)).isTrue();
        assertThat(held.put("k", new Held("b", 8), 8)).isFalse();
        assertThat(held.get("k")).contains(new Held("a", 3));
        assertThat(held.put("k", new Held("c", 10), 10)).isTrue();
        held.clear();
        assertThat(held.get("k")).isEmpty();
    }
}
