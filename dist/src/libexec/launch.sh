# Sourced by the release's bin/weft-allocator, bin/weft-node and bin/weftctl (with $here set to
# the release folder): runs one of weft's programs on the release's own Java runtime, with the
# ahead-of-time cache the build trained for it (aot/PROGRAM.aot) when there is one.

# weft_launch PROGRAM MAIN_CLASS "JVM FLAGS" [ARGUMENTS...]
weft_launch() {
    program="$1"
    main_class="$2"
    jvm_flags="$3"
    shift 3
    # Every jar, in byte order: a cache is used only with the classpath it was trained with, and
    # the JVM's own lib/* follows the folder's order on disk, which differs between hosts.
    classpath="$(export LC_ALL=C && for jar in "$here"/lib/*.jar; do printf '%s:' "$jar"; done)"
    # The JVM's own messages never on stdout (weftctl's output is read by scripts), and its
    # messages about the cache not at all: a cache that does not match this runtime or these
    # jars is skipped and the program starts as it would without one.
    jvm_log="-Xlog:all=off -Xlog:all=warning:stderr -Xlog:aot*=off:stderr -Xlog:cds*=off:stderr"
    aot=""
    if [ -n "${WEFT_AOT_TRAINING:-}" ]; then
        aot="-XX:AOTCacheOutput=$WEFT_AOT_TRAINING"
    elif [ -f "$here/aot/$program.aot" ]; then
        aot="-XX:AOTCache=$here/aot/$program.aot"
    fi
    # shellcheck disable=SC2086 # the flags are words on purpose
    exec "$here/runtime/bin/java" --enable-native-access=ALL-UNNAMED $jvm_log $jvm_flags $aot \
        -cp "${classpath%:}" "$main_class" "$@"
}
