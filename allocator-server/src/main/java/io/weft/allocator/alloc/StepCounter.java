package io.weft.allocator.alloc;

/**
 * Counts the iterations of every loop in the lease index and its free sets, so a test can hold
 * each operation to a budget of work (O(leases), never O(address space)) instead of a time.
 *
 * <p>Contract: {@link #step()} is called once per loop iteration, under the index's lock; it may
 * throw to abort a runaway operation (a test's budget), and must otherwise do nothing costly.
 */
interface StepCounter {

    /** Production: counts nothing. */
    StepCounter NONE = () -> {};

    void step();
}
