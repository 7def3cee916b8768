#!/usr/bin/env bash
# netdiag explain beside moreutils errno: a lookup by symbol, by number, and a search, each run N times
# through the launcher (with its AOT cache). Prints medians and the ratio netdiag/errno.
# errno is a C program, so the ratio is mostly JVM start-up; `bench/startup.sh` compares against java itself.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-11}
command -v errno >/dev/null || { echo "bench: install moreutils for errno(1)" >&2; exit 3; }
./netdiag explain EAGAIN >/dev/null 2>&1   # builds the jar and the AOT cache when needed

median_ms() {
    local times=() i s e
    for ((i = 0; i < runs; i++)); do
        s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
        times+=($(( (e - s) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

row() { # label, netdiag args..., --, errno args...
    local label=$1; shift
    local nd=() er=()
    while [ "$1" != -- ]; do nd+=("$1"); shift; done; shift
    er=("$@")
    local a b
    a=$(median_ms ./netdiag explain "${nd[@]}")
    b=$(median_ms errno "${er[@]}")
    printf '%-24s netdiag %8s ms   errno %6s ms   ratio %s\n' "$label" "$a" "$b" \
        "$(awk -v a="$a" -v b="$b" 'BEGIN{ if (b > 0) printf "%.1f", a/b; else print "n/a" }')"
}

row "symbol EAGAIN" EAGAIN -- EAGAIN
row "number 104" --os linux 104 -- 104
row "search connection reset" -s connection reset -- -s connection reset
