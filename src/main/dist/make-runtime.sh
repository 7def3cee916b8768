#!/usr/bin/env bash
# Makes the Java runtime netdiag runs on, for ./netdiag (target/runtime) and for the release (build.sh): a
# jlink'd image of the JDK with the modules jdeps finds in the jar, whose method-handle holder classes also hold
# the lambda forms netdiag's own work resolves.
#
# Why: every FFM downcall netdiag links (the netlink call of a sockets listing, libc's and libpcap's functions)
# makes the JDK build method handles whose lambda forms it looks up in four pregenerated "holder" classes and
# otherwise spins as new hidden classes, with the class-file API, in a cold JVM: ~0.7 ms each, and a sockets
# listing spun 16 DirectMethodHandle forms before its first system call. JDK 25's AOT cache keeps no spun class,
# and when it is made it regenerates the holder classes from the "@lambda-form-invoker" lines of the runtime's
# lib/classlist alone (-Xlog:aot: "Reading lambda form invokers from JDK default classlist"). So a training run that resolves every form netdiag uses logs
# them (-XX:DumpLoadedClassList writes those lines), they are added to the runtime's lib/classlist, and jlink
# generates the same holders into the image (--generate-jli-classes) for runs without a cache. It is what the
# JDK's own build does for the forms of its start-up (make/GenerateLinkOptData.gmk), done for netdiag's.
#
# Usage: make-runtime.sh JDK_HOME JAR OUT_DIR
# OUT_DIR must not exist. Exit 0 when made; 1 when this JDK cannot make one (no jlink, or neither jmods nor a
# runtime image jlink can link from): the reason is the last line on stderr.
set -euo pipefail

jdk=$1
jar=$2
out=$3
fail() {
    echo "netdiag runtime: $*" >&2
    exit 1
}
[ -x "$jdk/bin/jlink" ] || fail "$jdk has no jlink (a JRE, or a JDK without jdk.jlink)"
[ -x "$jdk/bin/jdeps" ] || fail "$jdk has no jdeps"
[ -f "$jar" ] || fail "no $jar"
[ ! -e "$out" ] || fail "$out exists"

work=$(mktemp -d "$(dirname "$out")/.runtime-work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The modules (java.desktop is left out should a library name AWT types in methods netdiag never calls), and the
# lambda forms: the two take a couple of seconds each and run side by side.
"$jdk/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 25 "$jar" >"$work/modules" 2>"$work/jdeps.log" &
jdeps=$!
# every cache's workload in one run; a workload that fails (no libpcap, no network) still logs what it resolved
"$jdk/bin/java" -XX:DumpLoadedClassList="$work/loaded" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC \
    -XX:-UsePerfData -cp "$jar" io.netdiag.cli.AotTraining --every >/dev/null 2>&1 </dev/null || true
wait "$jdeps" || fail "jdeps failed: $(tail -n 1 "$work/jdeps.log")"
modules=$(tr ',' '\n' <"$work/modules" | grep -v '^java.desktop$' | paste -sd, -)
[ -n "$modules" ] || fail "jdeps found no modules in $jar"

# netdiag's lines that the JDK's own classlist does not already have
grep -h '^@lambda-form-invoker ' "$jdk/lib/classlist" 2>/dev/null | sort -u >"$work/jdk-forms" || true
grep -h '^@lambda-form-invoker ' "$work/loaded" 2>/dev/null | sort -u | comm -23 - "$work/jdk-forms" >"$work/forms" || true
# jlink's plugin reads the same lines without their tag, and with a file of its own it leaves out the JDK's
sed 's/^@lambda-form-invoker //' "$work/jdk-forms" "$work/forms" >"$work/jli-trace"

link() {
    "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages "$@" \
        --output "$work/runtime" >"$work/jlink.log" 2>&1
}
if ! link --generate-jli-classes="@$work/jli-trace"; then
    rm -rf "$work/runtime"
    # the holders in the image only serve runs without a cache: a JDK whose plugin refuses a line links without
    link || fail "jlink failed: $(grep -v '^WARNING' "$work/jlink.log" | tail -n 1)"
fi
cat "$work/forms" >>"$work/runtime/lib/classlist"
mv -T "$work/runtime" "$out"
echo "netdiag runtime: $out from $jdk, modules $modules, $(wc -l <"$work/forms") lambda forms of netdiag's" >&2
