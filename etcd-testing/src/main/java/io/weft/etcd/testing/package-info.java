/**
 * JUnit 5 support for tests against real etcd: {@link io.weft.etcd.testing.EtcdExtension} runs a
 * single member or a cluster on loopback for a test class or for each test, and
 * {@link io.weft.etcd.testing.Etcdctl} drives the {@code etcdctl} command line so a test can
 * check the stored data independently of the code under test.
 */
package io.weft.etcd.testing;
