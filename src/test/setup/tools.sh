#!/usr/bin/env bash
# Makes sure the tools the tests compare netdiag with are installed, before any test runs.
# Called by Maven (exec-maven-plugin, phase process-test-resources) unless -DskipTests is given.
# As root: installs the missing Debian packages with apt-get. Otherwise: one line naming them, exit 1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
multiarch=$(gcc -print-multiarch 2>/dev/null || dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo "$(uname -m)-linux-gnu")

missing=()
while IFS=$'\t' read -r pkg path; do
    case "$pkg" in ''|'#'*) continue ;; esac
    path=${path//@MULTIARCH@/$multiarch}
    [ -e "$path" ] || missing+=("$pkg")
done <"$here/packages.tsv"

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "netdiag tests: missing tools; as root run: apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "netdiag tests: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark's package asks whether non-root users may capture; answer no without a prompt
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get update -qq >&2
# Packages with a service (prometheus) must not start it: the tests start their own server on a loopback
# port, and a system one on :9090 would be left running. A policy-rc.d that says 101 ("action forbidden")
# stops invoke-rc.d/deb-systemd-invoke from starting anything; one already there (container images ship it)
# is left as it is.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    trap 'rm -f "$policy"' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# a system without policy-rc.d support may still have started it: stop and disable it again
if [[ " ${missing[*]} " == *" prometheus "* ]]; then
    { systemctl disable --now prometheus || service prometheus stop; } >/dev/null 2>&1 || true
fi
