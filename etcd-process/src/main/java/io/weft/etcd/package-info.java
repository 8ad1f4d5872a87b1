/**
 * Runs real etcd members as child processes of the JVM, bound only to loopback.
 *
 * <p>{@link io.weft.etcd.EtcdProcess} is one member: the allocator server's embedded default
 * (no external endpoints configured) and the building block of the test extensions.
 * {@link io.weft.etcd.EtcdCluster} starts several members that form one cluster. The package
 * uses only the JDK, writes nothing to standard output and registers no shutdown hooks:
 * callers decide when members stop.
 */
package io.weft.etcd;
