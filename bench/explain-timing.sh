#!/usr/bin/env bash
# Cold-JVM split of `netdiag explain ARG` (bench/ExplainTiming.java): Classifier.standard(), the first lookup and
# the rendering. By default with an AOT cache trained on the same query; with AOT=launcher, with the launcher's
# own cache (target/netdiag.aot, trained by io.netdiag.cli.AotTraining), which is what a user's run gets: code
# that training did not reach is loaded, verified and linked on the spot. Prints the minimum of each phase over
# RUNS runs (the machine is shared; minimums are the steady figure).
# Usage: [AOT=launcher] bench/explain-timing.sh [--json] [ARG...]
#        (default ARGs: EAGAIN 111 'java.net.ConnectException: Connection refused')
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-9}
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
bin=$(dirname "$java")
[ -f target/netdiag.jar ] || mvn -q -B -DskipTests package
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin/javac" -cp target/netdiag.jar -d "$work/classes" bench/ExplainTiming.java
"$bin/jar" --create --file "$work/timing.jar" -C "$work/classes" .
opts=(--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:-UsePerfData -XX:TieredStopAtLevel=1)
cp="target/netdiag.jar:$work/timing.jar"
flags=()
if [ "${1:-}" = --json ]; then flags=(--json); shift; fi
[ $# -gt 0 ] || set -- EAGAIN 111 'java.net.ConnectException: Connection refused'
aot="$work/ex.aot"
if [ "${AOT:-}" = launcher ]; then
    ./netdiag --version >/dev/null   # builds the jar and its AOT cache when needed
    aot=target/netdiag.aot
fi
for query in "$@"; do
    if [ "${AOT:-}" != launcher ]; then
        rm -f "$aot"
        "$java" "${opts[@]}" -XX:AOTCacheOutput="$aot" -Xlog:aot=off -Xlog:cds=off -cp "$cp" ExplainTiming "${flags[@]}" "$query" >/dev/null 2>&1
    fi
    for ((i = 0; i < runs; i++)); do
        "$java" "${opts[@]}" -XX:AOTCache="$aot" -Xlog:aot=off -Xlog:cds=off -cp "$cp" ExplainTiming "${flags[@]}" "$query" 2>&1 >/dev/null
    done | awk -v q="$query" '
        { for (i = 1; i < NF; i++) if ($(i+1) == "ms;" || $(i+1) == "ms") { k = $(i-1); v = $i + 0; if (!(k in min) || v < min[k]) min[k] = v } }
        END { printf "%-48s standard %5.1f  lookup %5.1f  render %5.1f  total %5.1f ms (min of runs)\n", q, min["standard"], min["lookup"], min["render"], min["total"] }'
done
