package io.weft.allocator.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A skipped key's text comes from whoever wrote etcd; it reaches log lines only printable and short. */
@Timeout(10)
class SkippedKeyTextTest {

    @Test
    void controlCharactersAreEscapedAndLongTextIsCut() {
        StoreEvent.Skipped skipped = new StoreEvent.Skipped(
                "/p/subnets/x\nFAKE LOG LINE\u001b[31m", "bad lease value: " + "v".repeat(1000), 7);

        assertThat(skipped.key()).isEqualTo("/p/subnets/x\\u000aFAKE LOG LINE\\u001b[31m");
        assertThat(skipped.reason()).hasSize(StoreEvent.Skipped.MAX_TEXT + 3).endsWith("...");
        assertThat(new StoreEvent.Skipped("/p/plain", "fine", 1).key()).isEqualTo("/p/plain");
    }
}
