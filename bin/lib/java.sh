# Shared by the bin/ launchers: find JDK 25 and a module's runtime classpath.

weft_java() {
    local candidate
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
        if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] \
            && "$candidate/bin/java" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'; then
            echo "$candidate/bin/java"
            return 0
        fi
    done
    echo "weft: JDK 25 or newer is required; set JAVA_HOME to it" >&2
    exit 2
}

weft_jvm_flags() {
    echo "--enable-native-access=ALL-UNNAMED"
}

# weft_classpath MODULE_DIR: the module's classes plus its runtime dependencies.
weft_classpath() {
    local module="$1"
    local deps="$module/target/runtime-classpath.txt"
    if [ ! -d "$module/target/classes" ] || [ ! -f "$deps" ]; then
        echo "weft: $(basename "$module") is not built; run: ./mvnw -q install -DskipTests" >&2
        exit 2
    fi
    echo "$module/target/classes:$(cat "$deps")"
}
