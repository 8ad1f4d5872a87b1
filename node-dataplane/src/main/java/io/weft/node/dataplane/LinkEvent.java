package io.weft.node.dataplane;

/**
 * A change to a network device, from the kernel's RTMGRP_LINK notifications
 * ({@code ip monitor link}).
 *
 * @param name  the device name ("" if the kernel left it out)
 * @param index the kernel's interface index
 * @param up    whether IFF_UP is set (false for REMOVED: the kernel takes a device down first)
 */
public record LinkEvent(Change change, String name, int index, boolean up) {

    public enum Change {
        /** The device was just created (its first RTM_NEWLINK). */
        ADDED,
        /** Flags, state, address or another attribute changed. */
        CHANGED,
        /** The device was deleted (RTM_DELLINK). */
        REMOVED
    }
}
