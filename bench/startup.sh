#!/usr/bin/env bash
# Start-up: `netdiag --version` and `netdiag explain EAGAIN` (through the launcher, with its AOT cache)
# against a plain Java "hello" jar on the same JDK. Prints medians of N runs and the ratios.
# Target: netdiag's start-up at most 2.5x the plain hello jar.
# A release (the .deb's /usr/bin/netdiag when the package is installed, else the tarball from
# `mvn -Pdist package` unpacked under bench/out, or NETDIAG_RELEASE=.../bin/netdiag) is measured too,
# as installed users start it: bundled runtime, AOT cache made at build time. Target: at most 1.5x.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-15}
out=bench/out
mkdir -p "$out"

./netdiag --version >/dev/null   # builds the jar and the AOT cache when needed
java=$(sed -n 's/^Java \([^ ]*\).*/\1/p' <(./netdiag --version) >/dev/null; \
       for j in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} $(command -v java) /usr/lib/jvm/*/bin/java; do
         v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1)
         [ "${v:-0}" -ge 25 ] 2>/dev/null && { echo "$j"; break; }
       done)
javac="$(dirname "$java")/javac"
jarbin="$(dirname "$java")/jar"

mkdir -p "$out/hello"
cat > "$out/hello/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
"$javac" -d "$out/hello" "$out/hello/Hello.java"
"$jarbin" --create --file "$out/hello.jar" --main-class Hello -C "$out/hello" Hello.class

median_ms() { # runs "$@" $runs times, prints the median wall time in ms
    local times=() i s e
    for ((i = 0; i < runs; i++)); do
        s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
        times+=($(( (e - s) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

hello=$(median_ms "$java" -jar "$out/hello.jar")
version=$(median_ms ./netdiag --version)
explain=$(median_ms ./netdiag explain EAGAIN)
printf '%-32s %8s ms\n' "java -jar hello.jar" "$hello"
printf '%-32s %8s ms  ratio %s (target <= 2.5)\n' "netdiag --version" "$version" "$(awk -v a="$version" -v b="$hello" 'BEGIN{printf "%.2f", a/b}')"
printf '%-32s %8s ms  ratio %s (target <= 2.5)\n' "netdiag explain EAGAIN" "$explain" "$(awk -v a="$explain" -v b="$hello" 'BEGIN{printf "%.2f", a/b}')"

release=${NETDIAG_RELEASE:-}
if [ -z "$release" ] && dpkg-query -W -f='${db:Status-Status}' netdiag 2>/dev/null | grep -qx installed; then
    release=/usr/bin/netdiag
fi
if [ -z "$release" ]; then
    tarball=$(ls target/dist/netdiag-*-linux-*.tar.gz 2>/dev/null | head -n1 || true)
    if [ -n "$tarball" ]; then
        rm -rf "$out/release" && mkdir -p "$out/release"
        tar -xzf "$tarball" -C "$out/release"
        release=$(ls -d "$out"/release/netdiag-*/bin/netdiag | head -n1)
    fi
fi
if [ -n "$release" ]; then
    "$release" --version >/dev/null
    # hello and the release alternate, run by run, so that a change in the machine's load hits both alike
    hellos=() releases=()
    for ((i = 0; i < runs; i++)); do
        s=$(date +%s%N); "$java" -jar "$out/hello.jar" >/dev/null 2>&1 || true; e=$(date +%s%N); hellos+=($(( (e - s) / 1000 )))
        s=$(date +%s%N); "$release" --version >/dev/null 2>&1 || true; e=$(date +%s%N); releases+=($(( (e - s) / 1000 )))
    done
    med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'; }
    h=$(med "${hellos[@]}") installed=$(med "${releases[@]}")
    printf '%-32s %8s ms  (alternating with the release)\n' "java -jar hello.jar" "$h"
    printf '%-32s %8s ms  ratio %s (target <= 1.5)  [%s]\n' "release netdiag --version" "$installed" \
        "$(awk -v a="$installed" -v b="$h" 'BEGIN{printf "%.2f", a/b}')" "$release"
else
    echo "release: none installed and no target/dist tarball (mvn -Pdist package -DskipTests)"
fi
