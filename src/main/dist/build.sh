#!/usr/bin/env bash
# Builds netdiag's release artefacts from target/netdiag.jar, for `mvn -Pdist package` (and the install test):
#   OUT/netdiag-VERSION-linux-ARCH.tar.gz   unpack anywhere, run bin/netdiag
#   OUT/netdiag_DEBVERSION_DEBARCH.deb      /usr/lib/netdiag, /usr/bin/netdiag, man pages, bash completion
#   and a .sha256 file beside each (sha256sum -c FILE.sha256).
# Both hold a jlink'd runtime (make-runtime.sh), the jar, an AOT cache per subcommand made with that
# runtime (the JVM accepts a cache only from the runtime and jar it was made with), the launcher, the privileged
# helper compiled from src/main/native, man pages and the completion script.
# Usage: build.sh PROJECT_DIR VERSION OUT_DIR
set -euo pipefail

project=$(cd "$1" && pwd)
version=$2
mkdir -p "$3"
out=$(cd "$3" && pwd)
jar="$project/target/netdiag.jar"

# A JDK 25+ with jlink: JAVA_HOME, then the JDKs under /usr/lib/jvm (as ./netdiag and Maven's toolchain look).
jdk=
for candidate in ${NETDIAG_JDK:-} ${JAVA_HOME:-} /usr/lib/jvm/*; do
    [ -x "$candidate/bin/jlink" ] && [ -f "$candidate/release" ] || continue
    feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$candidate/release")
    if [ "${feature:-0}" -ge 25 ]; then
        jdk=$candidate
        break
    fi
done

missing=()
[ -n "$jdk" ] || missing+=("a JDK 25+ with jlink (set JAVA_HOME)")
for tool in gcc dpkg-deb dpkg-shlibdeps gzip sha256sum md5sum tar strip; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        case $tool in
            dpkg-shlibdeps) missing+=("dpkg-shlibdeps (apt-get install dpkg-dev)") ;;
            strip) missing+=("strip (apt-get install binutils)") ;;
            *) missing+=("$tool (apt-get install $(case $tool in dpkg-deb) echo dpkg ;; sha256sum|md5sum) echo coreutils ;; *) echo "$tool" ;; esac))") ;;
        esac
    fi
done
[ -f "$jar" ] || missing+=("$jar (run mvn package first)")
if [ ${#missing[@]} -gt 0 ]; then
    list=$(printf '%s, ' "${missing[@]}")
    echo "netdiag dist: cannot build the release, missing: ${list%, }" >&2
    exit 1
fi

case $(uname -m) in
    x86_64) arch=x86_64 ;;
    aarch64) arch=aarch64 ;;
    *) arch=$(uname -m) ;;
esac
debarch=$(dpkg --print-architecture)
debversion=${version//-/\~}           # 0.1.0-SNAPSHOT sorts before 0.1.0 as 0.1.0~SNAPSHOT
name=netdiag-$version
work="$out/work"
stage="$work/$name"
rm -rf "$work"
mkdir -p "$stage"/{bin,lib/aot,libexec,share/man/man1,share/bash-completion/completions,share/doc/netdiag} "$out"
step() { echo "netdiag dist: [${SECONDS}s] $*" >&2; }
step "runtime from $jdk"

# The runtime: the modules jdeps reports, with the lambda forms netdiag resolves pregenerated (make-runtime.sh says
# why), no debug attributes, no headers or man pages. The jimage stays uncompressed: it is read at every start, and
# the .deb and tarball are compressed anyway.
bash "$project/src/main/dist/make-runtime.sh" "$jdk" "$jar" "$stage/runtime"
# java is the one command netdiag runs (jlink adds keytool, jwebserver... with their modules)
find "$stage/runtime/bin" -type f ! -name java -delete
rm -f "$stage/runtime/lib/jexec"
find "$stage/runtime" -name '*.so' -exec strip --strip-unneeded {} +
strip --strip-unneeded "$stage/runtime/bin/java" "$stage/runtime/lib/jspawnhelper"
find "$stage/runtime" -type f -perm 0444 -exec chmod 0644 {} +   # jlink's legal notices come read-only

# The jar: netdiag's native calls (libc, netlink, libpcap) go through the JDK's FFM API, nothing else to unpack.
cp -p "$jar" "$stage/lib/netdiag.jar"

# The privileged helper, with the hardening flags Debian builds use (lintian's hardening checks).
gcc -O2 -g0 -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection \
    -fcf-protection -fPIE -pie -Wl,-z,relro,-z,now -Wl,--as-needed -s \
    -o "$stage/libexec/netdiag-privileged" "$project/src/main/native/netdiag-privileged.c"
# The launcher, with the per-subcommand JVM flags of ./netdiag: its lines after the AOT-cache option and before
# the exec (they read and extend $subcommand and opts, as the release launcher names them too).
flags=$(awk '/^if \[ -f "\$aot" \]; then$/ { cache = 1; next }
             cache == 1 && /^fi$/ { cache = 2; next }
             cache == 2 && /^exec "\$java"/ { done = 1; exit }
             cache == 2 { print }
             END { if (!done) exit 1 }' "$project/netdiag") \
    || { echo "netdiag dist: cannot find the JVM flags in $project/netdiag (after the AOT cache, before exec)" >&2; exit 1; }
[ -n "$flags" ] || { echo "netdiag dist: no JVM flags found in $project/netdiag" >&2; exit 1; }
FLAGS=$flags awk '$0 == "# @JVM-FLAGS@" { print "# from ./netdiag:"; print ENVIRON["FLAGS"]; next } { print }' \
    "$project/src/main/dist/netdiag" >"$stage/bin/netdiag"
chmod 0755 "$stage/bin/netdiag"
bash -n "$stage/bin/netdiag"

step "AOT caches"
# The AOT caches, one per subcommand as ./netdiag keeps them (its `case` list names them), made by the bundled
# runtime on the jar at its final place in the tree (the JVM accepts the tree moved elsewhere as a whole).
caches=$(sed -n 's/^ *\([a-z|]*\)) cache=\$subcommand ;;$/\1/p' "$project/netdiag" | tr '|' ' ')
[ -n "$caches" ] || { echo "netdiag dist: no AOT cache list found in $project/netdiag" >&2; exit 1; }
train() { # makes the AOT cache $1, with the training's method profiles only where ./netdiag keeps them
    local record=-XX:-AOTRecordTraining
    case "$1" in capture|exporter) record=-XX:+AOTRecordTraining ;; esac
    "$stage/runtime/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:-UsePerfData \
        -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 "-Dnetdiag.home=$stage" "$record" \
        -XX:AOTCacheOutput="$stage/lib/aot/$1.aot" -Xlog:aot=off -Xlog:cds=off \
        -cp "$stage/lib/netdiag.jar" io.netdiag.cli.AotTraining "$1" >/dev/null 2>&1 </dev/null || true
}
# two at a time: each training run is mostly one thread, and there are ten of them
running=0
for cache in netdiag $caches; do
    train "$cache" &
    if ((++running >= 2)); then
        wait -n || true
        running=$((running - 1))
    fi
done
wait
for cache in netdiag $caches; do
    if [ ! -s "$stage/lib/aot/$cache.aot" ]; then
        echo "netdiag dist: the AOT cache for $cache was not made" >&2
        exit 1
    fi
    rm -f "$stage/lib/aot/$cache.aot.config"
done
chmod 0644 "$stage"/lib/aot/*.aot

# Man pages (generated from the command model into man/) and the bash completion script.
for page in "$project"/man/*.1; do
    gzip -9n <"$page" >"$stage/share/man/man1/$(basename "$page").gz"
done
# (bash-completion sources the file: no #! line)
"$stage/bin/netdiag" completion bash | sed '1{/^#!/d}' >"$stage/share/bash-completion/completions/netdiag"

# Debian's changelog (a native package's) and the copyright file.
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$project" log -1 --format=%ct 2>/dev/null || date +%s)}
{
    echo "netdiag ($debversion) unstable; urgency=medium"
    echo
    echo "  * netdiag $version; CHANGELOG.md in the source lists the changes."
    echo
    echo " -- netdiag developers <netdiag@example.org>  $(LC_ALL=C date -u -R -d "@$epoch")"
} | gzip -9n >"$stage/share/doc/netdiag/changelog.gz"
cp "$project/src/main/dist/debian/copyright" "$stage/share/doc/netdiag/copyright"
# the exporter's systemd unit and alert rules, as examples (README: netdiag exporter)
examples=("$project"/src/main/dist/systemd/*.service "$project"/src/main/dist/prometheus/*.yml)
if [ -e "${examples[0]}" ]; then
    mkdir -p "$stage/share/doc/netdiag/examples"
    for f in "${examples[@]}"; do
        [ -e "$f" ] && install -m 0644 "$f" "$stage/share/doc/netdiag/examples/"
    done
fi
find "$stage" -type d -exec chmod 0755 {} +

step "tarball"
# The tarball: the helper without execute permission (it works only once root has given it its group and
# capabilities; README says how), everything else as it will run.
# NETDIAG_DIST_ONLY=deb (the install test) skips it.
tarball="$out/$name-linux-$arch.tar.gz"
rm -f "$tarball" "$tarball.sha256"
if [ "${NETDIAG_DIST_ONLY:-}" != deb ]; then
    chmod 0644 "$stage/libexec/netdiag-privileged"
    tar --owner=0 --group=0 --numeric-owner --sort=name -C "$work" -cf - "$name" | gzip -6n >"$tarball"
fi

step ".deb"
# The .deb: the same tree under /usr/lib/netdiag, the man pages, completion and documentation under /usr/share.
deb="$work/deb"
mkdir -p "$deb/DEBIAN" "$deb/usr/lib/netdiag" "$deb/usr/bin" "$deb/usr/share"
cp -a "$stage/bin" "$stage/lib" "$stage/libexec" "$stage/runtime" "$deb/usr/lib/netdiag/"
cp -a "$stage/share/man" "$stage/share/bash-completion" "$stage/share/doc" "$deb/usr/share/"
# 0755 root:root and no capabilities until postinst makes it root:netdiag 0750 with them: harmless meanwhile
chmod 0755 "$deb/usr/lib/netdiag/libexec/netdiag-privileged"
cp -p "$deb/usr/lib/netdiag/bin/netdiag" "$deb/usr/bin/netdiag"  # a copy: a symlink costs a readlink at each start
mkdir -p "$deb/usr/share/lintian/overrides"
cp "$project/src/main/dist/debian/lintian-overrides" "$deb/usr/share/lintian/overrides/netdiag"
# the exporter's unit where packages put theirs (postinst makes its user; nothing enables it: it needs a config
# first); ExecStart's /usr/bin/netdiag is the .deb's. The alert rules stay an example under /usr/share/doc.
install -D -m 0644 "$project/src/main/dist/systemd/netdiag-exporter.service" \
    "$deb/usr/lib/systemd/system/netdiag-exporter.service"

shlibs=$(mkdir -p "$work/shlibs/debian" && cd "$work/shlibs" \
         && printf 'Source: netdiag\n\nPackage: netdiag\nArchitecture: any\n' >debian/control \
         && dpkg-shlibdeps -O --ignore-missing-info -l"$deb/usr/lib/netdiag/runtime/lib" \
              -l"$deb/usr/lib/netdiag/runtime/lib/server" \
              $(find "$deb/usr/lib/netdiag" -type f \( -name '*.so' -o -path '*/bin/java' -o -name netdiag-privileged \)) \
              2>/dev/null | sed -n 's/^shlibs:Depends=//p')
size=$(du -sk --apparent-size "$deb/usr" | cut -f1)
sed -e "s/@VERSION@/$debversion/" -e "s/@ARCH@/$debarch/" -e "s/@SIZE@/$size/" -e "s/@SHLIBS@/$shlibs/" \
    "$project/src/main/dist/debian/control" >"$deb/DEBIAN/control"
install -m 0755 "$project/src/main/dist/debian/postinst" "$project/src/main/dist/debian/postrm" "$deb/DEBIAN/"
(cd "$deb" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
chmod 0644 "$deb/DEBIAN/control" "$deb/DEBIAN/md5sums"
debfile="$out/netdiag_${debversion}_$debarch.deb"
# gzip rather than dpkg-deb's default xz: xz takes minutes on the 180 MB tree (mostly AOT caches) where gzip
# takes seconds, and the package stays well under its 80 MiB budget.
dpkg-deb --root-owner-group -Zgzip -z6 --build "$deb" "$debfile" >/dev/null

for f in "$tarball" "$debfile"; do
    if [ -f "$f" ]; then
        (cd "$out" && sha256sum "$(basename "$f")" >"$(basename "$f").sha256")
        ls -l "$f" >&2
    fi
done
rm -rf "$work"
