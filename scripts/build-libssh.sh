#!/usr/bin/env bash
# Builds the pinned libssh that Tracegate links for post-quantum key exchange (libssh 0.12:
# mlkem768x25519 and sntrup761x25519), from Debian's own source package, into a cache
# directory, and prints the PKG_CONFIG_PATH to build against it on standard output:
#
#   export PKG_CONFIG_PATH=$(scripts/build-libssh.sh)
#   swift build
#
# - Why 0.12 from Debian testing (forky): Debian 13's libssh 0.11.5 has no
#   post-quantum key exchange at all (its kex.c knows curve25519, ECDH and DH only); the
#   hybrids arrived in libssh 0.12.0. Debian 12 and 13 have no backport of 0.12.
# - The source comes from Debian's archive through apt with a temporary, private source
#   list and private list and cache directories: the machine's apt configuration and its
#   package lists are not touched. apt checks the InRelease signature with Debian 12's own
#   archive keyring (debian-archive-keyring 2023.3+deb12u2 holds the 12/bookworm and
#   13/trixie archive keys, which sign testing too) and the downloaded files
#   against the signed Sources index; `dpkg-source -x` checks them again against the
#   .dsc's checksums (it cannot check the uploader's own signature without the
#   debian-keyring package, and says so). Nothing here skips a check.
# - Built with CMake against Debian 12's OpenSSL 3.0 and zlib (GSSAPI, FIDO2, pcap, tests
#   and examples off; ML-KEM from libssh's bundled libcrux code, since OpenSSL 3.0 has none)
#   as a static, position-independent library: the tracegate binary carries libssh and
#   needs no extra .so (it links Debian's libcrypto.so.3 and libz.so.1 as before, and no
#   longer libgssapi_krb5). The libssh.pc written here says so (Libs carries -lcrypto -lz).
# - Three patches of ours (scripts/libssh-patches/, each explained in its header):
#   socket-read-size.patch lets a streaming socket read up to 64 KiB at once instead of
#   4 KiB per poll (a third less CPU per GiB); channel-data-in-place.patch buffers a
#   channel's data straight from the packet instead of through a temporary string (one copy
#   less per byte); socket-would-block.patch takes EAGAIN as "not ready yet", so that the
#   gateway's sockets can be non-blocking (a client that stops reading cannot hold a
#   connection's thread in send()). Nothing else in libssh changes.
# - Idempotent: the result is cached under $TRACEGATE_LIBSSH_CACHE (default .build-libssh/
#   in the repository, ignored by git), keyed by the Debian version and the hash of this
#   script and its patches.
#   A second run does no network access and prints the same path at once. CI machines that
#   keep a directory between fresh clones can set TRACEGATE_LIBSSH_CACHE to it (e.g.
#   /var/cache/tracegate-libssh) to build once per machine (about 20 s on 2 cores).
# - TRACEGATE_LIBSSH_VERSION pins the Debian source version (default below). When Debian
#   replaces it, the old version leaves testing and this script fails, listing the
#   versions apt does offer; move the pin after reading the changelog. (Debian testing keeps
#   a version until its successor migrates from sid, usually days after the upload.)
# Progress goes to standard error; only the PKG_CONFIG_PATH goes to standard output.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

version=${TRACEGATE_LIBSSH_VERSION:-0.12.2-1}
cache=${TRACEGATE_LIBSSH_CACHE:-$repo/.build-libssh}
script_hash=$(cat "$repo/scripts/build-libssh.sh" "$repo"/scripts/libssh-patches/*.patch | sha256sum | cut -c1-12)
key="libssh-${version//[^A-Za-z0-9.+-]/_}-$script_hash"
root=$cache/$key
prefix=$root/prefix
stamp=$prefix/.built

say() { echo "build-libssh: $*" >&2; }

if [[ -f $stamp ]]; then
    say "cached: $(cat "$stamp")"
    echo "$prefix/lib/pkgconfig"
    exit 0
fi

for tool in apt-get dpkg-source patch cmake cc pkg-config; do
    command -v "$tool" >/dev/null || { say "needs $tool (apt-get install cmake dpkg-dev build-essential pkg-config)"; exit 1; }
done
for pc in openssl zlib; do
    pkg-config --exists "$pc" || { say "needs the $pc development files (apt-get install libssl-dev zlib1g-dev)"; exit 1; }
done

started=$(date +%s)
rm -rf "$root"
mkdir -p "$root/apt/lists/partial" "$root/apt/cache/archives/partial" "$root/download"

# The temporary source list: testing's sources only (about 11 MB of index), checked with
# Debian's archive keyring. Not sid: a version leaves sid first, so it would add nothing.
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -f $keyring ]] || { say "needs $keyring (apt-get install debian-archive-keyring)"; exit 1; }
cat > "$root/apt/sources.list" <<LIST
deb-src [signed-by=$keyring] http://deb.debian.org/debian forky main
LIST
apt_options=(
    -o "Dir::Etc::sourcelist=$root/apt/sources.list"
    -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$root/apt/lists"
    -o "Dir::Cache=$root/apt/cache"
    -o "APT::Get::List-Cleanup=0"
)
say "fetching Debian's libssh $version source package (Debian testing, signed index)"
apt-get -q "${apt_options[@]}" update >&2
if ! (cd "$root/download" && apt-get -q "${apt_options[@]}" source --download-only "libssh=$version" >&2); then
    say "libssh $version is not in Debian's archive any more; it offers:"
    apt-cache "${apt_options[@]}" showsrc libssh 2>/dev/null | sed -n 's/^Version: /  /p' >&2
    say "review the changelog, then set TRACEGATE_LIBSSH_VERSION (or move the pin in this script)"
    exit 1
fi
upstream=${version%-*}
(cd "$root/download" && dpkg-source -x "libssh_${version#*:}.dsc" "$root/src" >&2)

# The post-quantum hybrids arrived in libssh 0.12 (0.11, Debian 13's, has none): checked
# here so that a pin moved to a libssh without them fails loudly.
grep -q 'sntrup761x25519-sha512@openssh.com' "$root/src/src/kex.c" || { say "this libssh has no sntrup761x25519"; exit 1; }
grep -q 'mlkem768x25519-sha256' "$root/src/src/kex.c" || { say "this libssh has no mlkem768x25519"; exit 1; }

# Our patches (scripts/libssh-patches/, each explained in its own header comment): applied
# in name order, and the build stops if one does not apply exactly.
for patch in "$repo"/scripts/libssh-patches/*.patch; do
    say "applying $(basename "$patch")"
    patch --quiet --forward --fuzz=0 -p1 -d "$root/src" < "$patch" >&2 || { say "$(basename "$patch") does not apply to libssh $version"; exit 1; }
done

say "building libssh $upstream (static, PIC) against $(pkg-config --modversion openssl) / zlib $(pkg-config --modversion zlib)"
cmake -S "$root/src" -B "$root/build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DCMAKE_INSTALL_LIBDIR=lib \
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
    -DBUILD_SHARED_LIBS=OFF \
    -DWITH_GSSAPI=OFF \
    -DWITH_GCRYPT=OFF \
    -DWITH_MBEDTLS=OFF \
    -DWITH_ZLIB=ON \
    -DWITH_SERVER=ON \
    -DWITH_EXAMPLES=OFF \
    -DUNIT_TESTING=OFF \
    -DCLIENT_TESTING=OFF \
    -DSERVER_TESTING=OFF \
    -DWITH_PCAP=OFF \
    -DWITH_NACL=OFF \
    -DWITH_FIDO2=OFF \
    -DWITH_PKCS11_URI=OFF \
    >"$root/cmake-configure.log" 2>&1 || { tail -30 "$root/cmake-configure.log" >&2; exit 1; }
cmake --build "$root/build" --parallel "$(nproc)" >"$root/cmake-build.log" 2>&1 \
    || { tail -30 "$root/cmake-build.log" >&2; exit 1; }
cmake --install "$root/build" >"$root/cmake-install.log" 2>&1 \
    || { tail -30 "$root/cmake-install.log" >&2; exit 1; }
[[ -f $prefix/lib/libssh.a ]] || { say "no static libssh.a was installed"; exit 1; }
rm -f "$prefix"/lib/libssh.so*
# Under a name of its own: SwiftPM reads .pc files itself and keeps their system -L flags
# (libqrencode's -L/usr/lib/x86_64-linux-gnu), so a plain -lssh could find Debian's
# libssh.so there before this archive. CLibSSH's module map names no library: the .pc does.
mv "$prefix/lib/libssh.a" "$prefix/lib/libtracegate-libssh.a"

# The SSH module learns that the patches are in from a header beside libssh's
# (LibSSHCapabilities.readsWholePackets and .usesNonBlockingSockets; SwiftPM passes a .pc's
# -I flags, not its -D ones).
cat > "$prefix/include/tracegate-libssh-patches.h" <<'HEADER'
/* Written by scripts/build-libssh.sh: this libssh carries scripts/libssh-patches/. */
#define TRACEGATE_LIBSSH_READS_WHOLE_PACKETS 1
#define TRACEGATE_LIBSSH_TOLERATES_WOULD_BLOCK 1
HEADER

# Our own libssh.pc: a static libssh needs its dependencies on the link line.
mkdir -p "$prefix/lib/pkgconfig"
cat > "$prefix/lib/pkgconfig/libssh.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libssh
Description: libssh $upstream (Debian $version, static, built by scripts/build-libssh.sh)
Version: $upstream
Libs: -L\${libdir} -ltracegate-libssh $(pkg-config --libs openssl zlib) -lpthread
Cflags: -I\${includedir}
PC

seconds=$(($(date +%s) - started))
echo "libssh $upstream (Debian $version) built in ${seconds}s on $(date -u +%FT%TZ)" > "$stamp"
say "built in ${seconds}s: $prefix"
echo "$prefix/lib/pkgconfig"
