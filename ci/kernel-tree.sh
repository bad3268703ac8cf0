#!/usr/bin/env bash
# Fetches a kernel tree's DAMON core for a tree profile (docs/tree.md).
#
#   ci/kernel-tree.sh VERSION     VERSION: 6.1, 6.12, 7.2, 7.3 or latest
#
# Downloads Debian's linux-source-VERSION through a private apt configuration in
# build/apt (its own sources list, state and cache; the machine's apt configuration is
# read, never changed) and extracts the files the tree build needs into
# build/trees/linux-VERSION. A second run reuses the extracted tree. Prints the tree's
# path on its last line. Exit codes: 0 done, 2 bad input (unknown version, no network,
# a tree without mm/damon/core.c).
#
# The archive URIs come from the machine's own sources (/etc/apt/sources.list and
# /etc/apt/sources.list.d/*.list, *.sources); the suite is the one that carries the
# version. Knobs: DWH_APT_ETC (default /etc/apt) is where the sources are read from,
# DWH_TREES_DIR (default build/trees) where trees go.
set -euo pipefail

# shellcheck source=ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The Debian suite that carries each linux-source version; one line per version.
KERNEL_TREE_SUITES="6.1 bookworm
6.12 bookworm-security
7.2 trixie-backports
7.3 trixie-backports"
# Files the tree build reads, relative to the tree's top folder. mm/damon/*.h are the
# folder's private headers core.c may include.
TREE_MEMBERS=(Makefile mm/damon/core.c include/linux/damon.h include/trace/events/damon.h)
TREE_GLOBS=('mm/damon/*.h')

APT_ETC=${DWH_APT_ETC:-/etc/apt}
TREES_DIR=${DWH_TREES_DIR:-$DWH_ROOT/build/trees}
APT_DIR=$DWH_ROOT/build/apt
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

bad() {
  printf 'error: ci/kernel-tree.sh: %s\n' "$*" >&2
  exit 2
}

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }

# Prints "URI SUITE..." for every enabled deb entry of the machine's sources.
machine_sources() {
  local f
  for f in "$APT_ETC"/sources.list "$APT_ETC"/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # deb [options] URI SUITE COMPONENTS...
    sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" { print $2, $3 }'
  done
  for f in "$APT_ETC"/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled != "no" && uris != "") {
          n = split(uris, u, " ")
          for (i = 1; i <= n; i++) print u[i], suites
        }
        types = ""; uris = ""; suites = ""; enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      {
        key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ /, "")
        if (key == "types") types = $0
        else if (key == "uris") uris = $0
        else if (key == "suites") suites = $0
        else if (key == "enabled") enabled = tolower($0)
      }
      END { flush() }' "$f"
  done
}

# The machine's URI for SUITE: a security suite takes the URI whose entry names a
# *-security suite, any other suite the URI whose entry names a release suite.
uri_for_suite() {
  local want=$1 uri suites s
  while read -r uri suites; do
    for s in $suites; do
      case "$want:$s" in
        *-security:*-security) echo "$uri" && return 0 ;;
        *-security:*) ;;
        *:*-security | *:*/updates) ;;
        *) echo "$uri" && return 0 ;;
      esac
    done
  done < <(machine_sources)
  return 1
}

APT_OPTS=()
# Writes the private sources list for SUITES and sets APT_OPTS to use it.
private_apt() {
  local suite uri
  mkdir -p "$APT_DIR"/etc/preferences.d "$APT_DIR"/etc/apt.conf.d "$APT_DIR"/state/lists/partial \
    "$APT_DIR"/cache/archives/partial "$APT_DIR"/etc/sources.list.d
  : >"$APT_DIR"/state/status
  : >"$APT_DIR"/etc/sources.list.tmp
  for suite in "$@"; do
    uri=$(uri_for_suite "$suite") ||
      bad "no Debian archive URI in $APT_ETC/sources.list{,.d/} to fetch suite '$suite' from"
    printf 'deb [signed-by=%s] %s %s main\n' "$KEYRING" "$uri" "$suite" >>"$APT_DIR"/etc/sources.list.tmp
  done
  mv "$APT_DIR"/etc/sources.list.tmp "$APT_DIR"/etc/sources.list
  APT_OPTS=(
    -o "Dir::Etc=$APT_DIR/etc"
    -o "Dir::Etc::sourcelist=$APT_DIR/etc/sources.list"
    -o "Dir::Etc::sourceparts=$APT_DIR/etc/sources.list.d"
    -o "Dir::Etc::parts=$APT_DIR/etc/apt.conf.d"
    -o "Dir::Etc::preferencesparts=$APT_DIR/etc/preferences.d"
    -o "Dir::State=$APT_DIR/state"
    -o "Dir::State::status=$APT_DIR/state/status"
    -o "Dir::Cache=$APT_DIR/cache"
    -o "Debug::NoLocking=1"
    -o "Acquire::Languages=none"
    -o "APT::Sandbox::User=$(id -un)"
  )
}

all_suites() { echo "$KERNEL_TREE_SUITES" | awk '{ print $2 }' | sort -u; }

# The newest linux-source-X.Y the private indexes carry.
latest_version() {
  apt-cache "${APT_OPTS[@]}" pkgnames linux-source- 2>/dev/null |
    sed -n 's/^linux-source-\([0-9][0-9]*\.[0-9][0-9]*\)$/\1/p' | sort -V | tail -n 1
}

extract_tree() {
  local deb=$1 version=$2 dest=$3 tmp tarball top m
  tmp=$(mktemp -d "$TREES_DIR/.extract-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './usr/src/linux-source-*.tar.*' ||
    bad "$deb: no usr/src/linux-source-*.tar.* inside"
  tarball=$(ls "$tmp"/usr/src/linux-source-*.tar.*)
  top=linux-source-$version
  local members=()
  for m in "${TREE_MEMBERS[@]}" "${TREE_GLOBS[@]}"; do members+=("$top/$m"); done
  mkdir -p "$tmp/tree"
  tar -x -f "$tarball" -C "$tmp/tree" --wildcards --no-wildcards-match-slash "${members[@]}" 2>/dev/null || true
  [ -f "$tmp/tree/$top/mm/damon/core.c" ] || bad "$deb: the tree has no mm/damon/core.c"
  for m in "${TREE_MEMBERS[@]}"; do
    [ -f "$tmp/tree/$top/$m" ] || bad "$deb: the tree has no $m"
  done
  printf 'package: %s\n' "$(basename "$deb")" >"$tmp/tree/$top/.dwh-source"
  rm -rf "$dest"
  mv "$tmp/tree/$top" "$dest"
  rm -rf "$tmp"
  trap - EXIT
}

main() {
  case "${1:-}" in
    -h | --help) usage && exit 0 ;;
    '') bad "no VERSION given (one of: $(echo "$KERNEL_TREE_SUITES" | awk '{ printf "%s ", $1 }')latest)" ;;
  esac
  [ $# -eq 1 ] || bad "one VERSION expected, got $#: $*"
  local version=$1 suite
  if [ "$version" = latest ]; then
    private_apt $(all_suites)
  else
    suite=$(echo "$KERNEL_TREE_SUITES" | awk -v v="$version" '$1 == v { print $2 }')
    [ -n "$suite" ] || bad "unknown version '$version' (known: $(echo "$KERNEL_TREE_SUITES" | awk '{ printf "%s ", $1 }')latest)"
    local dest=$TREES_DIR/linux-$version
    if [ -f "$dest/mm/damon/core.c" ] && [ -f "$dest/.dwh-source" ]; then
      info "cached: $dest ($(sed -n 's/^package: //p' "$dest/.dwh-source"))" >&2
      echo "$dest"
      return 0
    fi
    private_apt "$suite"
  fi
  command -v apt-get >/dev/null || bad "apt-get not found: a Debian-like system is needed"
  info "apt-get update (private sources: $APT_DIR/etc/sources.list)" >&2
  apt-get "${APT_OPTS[@]}" -q update >"$APT_DIR/update.log" 2>&1 || {
    tail -n 5 "$APT_DIR/update.log" >&2
    bad "apt-get update failed (no network?); log: $APT_DIR/update.log"
  }
  if grep -qE '^(W|E): Failed to fetch' "$APT_DIR/update.log"; then
    grep -E '^(W|E):' "$APT_DIR/update.log" | head -n 3 >&2
    bad "apt-get update could not fetch the indexes (no network?); log: $APT_DIR/update.log"
  fi
  if [ "$version" = latest ]; then
    version=$(latest_version)
    [ -n "$version" ] || bad "no linux-source-X.Y package in suites: $(all_suites | tr '\n' ' ')"
    info "latest: linux-source-$version" >&2
  fi
  local dest=$TREES_DIR/linux-$version
  if [ -f "$dest/mm/damon/core.c" ] && [ -f "$dest/.dwh-source" ]; then
    echo "$dest"
    return 0
  fi
  mkdir -p "$TREES_DIR" "$APT_DIR/debs"
  rm -f "$APT_DIR"/debs/linux-source-"$version"_*.deb
  (cd "$APT_DIR/debs" && apt-get "${APT_OPTS[@]}" -q download "linux-source-$version") >"$APT_DIR/download.log" 2>&1 || {
    tail -n 5 "$APT_DIR/download.log" >&2
    bad "apt-get download linux-source-$version failed; log: $APT_DIR/download.log"
  }
  local deb
  deb=$(ls "$APT_DIR"/debs/linux-source-"$version"_*.deb)
  info "extracting $(basename "$deb")" >&2
  extract_tree "$deb" "$version" "$dest"
  rm -f "$deb"
  echo "$dest"
}

main "$@"
