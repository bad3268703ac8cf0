# shellcheck shell=bash
# Shared helpers for the ci/*.sh scripts. Source it; it sets no shell options.
#
# Environment knob: DWH_SKIP_DEPS=1 skips checking and installing Debian packages.

DWH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DWH_T0=${DWH_T0:-$SECONDS}

# Every profile the harness models, read from the one list (harness/damon/profiles.def);
# corpus and OSS-Fuzz lanes iterate over these.
dwh_profile_names() { sed -n 's/^DWH_PROFILE("\([^"]*\)".*/\1/p' "$1/harness/damon/profiles.def"; }
mapfile -t DWH_PROFILES < <(dwh_profile_names "$DWH_ROOT")
# shellcheck disable=SC2034 # used by the scripts that source this file
DWH_DEFAULT_PROFILE=pause-rfc
# The libFuzzer targets in fuzz/: one per fuzz/<target>.options (fuzz/CMakeLists.txt
# reads the same files); each uses fuzz/damon.dict.
dwh_fuzz_target_names() { (cd "$1/fuzz" && for f in *.options; do printf '%s\n' "${f%.options}"; done); }
# shellcheck disable=SC2034
mapfile -t DWH_FUZZ_TARGETS < <(dwh_fuzz_target_names "$DWH_ROOT")

# Findings the lanes select with DWH_STOP_ON / --stop-on (docs/findings.md):
#  - the hangs, which the smoke lane must reach;
#  - everything a run of v7.0.y or mm-new must not show: every finding whose signature is
#    not a documented real behaviour of the profile in corpus/known-findings.txt (there
#    F4 and F9, each pinned by a regression file and the soak). The selection is by
#    signature, so another return-code bug or use after free still fails the lane.
#    Findings not selected are still counted.
# shellcheck disable=SC2034
DWH_HANG_VERDICTS=deadlock,lost-request,livelock,watchdog-hang
# shellcheck disable=SC2034
DWH_UNDOCUMENTED=-documented
# ASan's run-time options as ClusterFuzz runs fuzzers, verbatim from OSS-Fuzz's
# base-runner image (infra/base-images/base-runner/Dockerfile): a 10 MB
# quarantine, fake stacks for use after return (max_uar_stack_size_log=16).
# shellcheck disable=SC2034
DWH_CLUSTERFUZZ_ASAN_OPTIONS="alloc_dealloc_mismatch=0:allocator_may_return_null=1:allocator_release_to_os_interval_ms=500:check_malloc_usable_size=0:detect_container_overflow=1:detect_odr_violation=0:detect_leaks=1:detect_stack_use_after_return=1:fast_unwind_on_fatal=0:handle_abort=1:handle_segv=1:handle_sigill=1:max_uar_stack_size_log=16:print_scariness=1:quarantine_size_mb=10:strict_memcmp=1:strip_path_prefix=/workspace/:symbolize=1:use_sigaltstack=1:dedup_token_length=3"
# TSan suppressions for documented races (F8) in the long real-thread lanes.
# shellcheck disable=SC2034
DWH_TSAN_KNOWN="suppressions=$DWH_ROOT/ci/tsan-known-races.supp"

# Debian packages a build or a CI lane needs. `clang` provides the plain clang/clang++
# names the presets use; clang-14 alone installs only clang-14/clang++-14.
DWH_DEPS=(cmake ninja-build clang clang-14 libclang-rt-14-dev llvm-14 libboost-context-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev libcli11-dev nlohmann-json3-dev
  libfmt-dev afl++ zip unzip clang-format-14 python3 git ccache)

elapsed() {
  local s=$((SECONDS - DWH_T0))
  printf '%02d:%02d' $((s / 60)) $((s % 60))
}
section() { printf '\n==== [%s] %s\n' "$(elapsed)" "$*"; }
info() { printf '  %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}
# For bad command lines: exit code 2, as the harness's own tools do.
usage_error() {
  printf 'error: %s\n' "$*" >&2
  printf "run '%s --help' for usage\n" "$(basename "$0")" >&2
  exit 2
}

is_profile() {
  local p
  for p in "${DWH_PROFILES[@]}"; do [ "$p" = "$1" ] && return 0; done
  return 1
}

# fuzz_walk_sim_<profile with dots and dashes as underscores>: the OSS-Fuzz binary name
# from which the target reads its profile (see docs/ci.md).
profile_suffix() { printf '%s' "$1" | tr '.-' '__'; }

package_installed() {
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

# Installs the missing packages of DWH_DEPS; does nothing when all are there.
ensure_deps() {
  local missing=() p
  if [ "${DWH_SKIP_DEPS:-0}" = 1 ]; then
    :
  elif ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    warn "not a Debian-like system; make sure these are installed: ${DWH_DEPS[*]}"
  else
    for p in "${DWH_DEPS[@]}"; do
      package_installed "$p" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] || install_packages "${missing[@]}"
  fi
  use_ccache
}

install_packages() {
  section "installing missing packages: $*"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "need root or sudo to install: $*"
    sudo=(sudo)
  fi
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
    ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
      --no-install-recommends "$@"; then
    die "apt-get install failed for: $*"
  fi
}

# New build trees (presets and build.sh alike) compile through ccache when it is there;
# CMake reads these variables when it first configures a tree. Paths are hashed relative
# to the repo root, so a fresh clone (CI) reuses what a checkout on the same machine
# compiled; debug info may then name the other checkout's folder.
use_ccache() {
  command -v ccache >/dev/null 2>&1 || return 0
  export CMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER:-ccache}
  export CMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$DWH_ROOT}
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
}

# The build tree of a preset (the presets' binaryDir), relative to the repo root.
build_dir() { printf 'build/%s' "$1"; }
bin_dir() { printf 'build/%s/bin' "$1"; }

# Configures and builds a preset; extra arguments go to `cmake --build` (e.g. --target
# NAME). Configuring every time is cheap and puts the preset's settings back into a tree
# that was configured by hand.
build_preset() {
  local preset=$1 log
  shift
  (
    cd "$DWH_ROOT" || exit 1
    section "configure $preset (build/$preset)"
    log=$(mktemp)
    if ! cmake --preset "$preset" >"$log" 2>&1; then
      cat "$log"
      rm -f "$log"
      exit 1
    fi
    rm -f "$log"
    section "build $preset"
    cmake --build --preset "$preset" "$@"
  )
}

# Runs the preset's tests with its settings (output on failure, timeouts, sanitizer options).
test_preset() {
  local preset=$1
  shift
  section "ctest $preset"
  # One test process per core. The os-runtime tests that bound wall time leave a
  # margin of seconds (tests/stress_test.cc); the rest assert no time at all.
  (cd "$DWH_ROOT" && ctest --preset "$preset" --parallel "$(nproc)" "$@")
}

# True when the tree was configured with tests (DWH_TESTS=ON) and has at least one.
has_tests() {
  local dir
  dir="$DWH_ROOT/$(build_dir "$1")"
  [ -f "$dir/CTestTestfile.cmake" ] || return 1
  (cd "$dir" && ctest -N 2>/dev/null) | grep -Ec '^Total Tests: [1-9]' >/dev/null
}

# Prints, one per line, the libFuzzer flags of the [libfuzzer] section of a ClusterFuzz
# .options file, as ClusterFuzz passes them. A relative dict is taken from the file's folder.
libfuzzer_options() {
  local file=$1
  [ -f "$file" ] || return 0
  awk -v dir="$(dirname "$file")" '
    /^[[:space:]]*([#;]|$)/ { next }
    /^[[:space:]]*\[/ { section = $0; gsub(/[][[:space:]]/, "", section); next }
    section == "libfuzzer" && index($0, "=") {
      key = substr($0, 1, index($0, "=") - 1); value = substr($0, index($0, "=") + 1)
      gsub(/^[[:space:]]+|[[:space:]]+$/, "", key); gsub(/^[[:space:]]+|[[:space:]]+$/, "", value)
      if (key == "dict" && value !~ /^\//) value = dir "/" value
      print "-" key "=" value
    }' "$file"
}

corpus_files() {
  compgen -G "$1/*.txt" >/dev/null || die "$1 has no *.txt programs"
}

# Copies the *.txt programs of the given folders into DEST, names prefixed by their
# folder (seeds-x.txt, regression-x.txt); files already there are kept.
stage_corpus() {
  local dest=$1 dir f to
  shift
  mkdir -p "$dest"
  for dir in "$@"; do
    for f in "$dir"/*.txt; do
      to=$dest/$(basename "$dir")-$(basename "$f")
      if [ -e "$f" ] && [ ! -e "$to" ]; then cp "$f" "$to"; fi
    done
  done
}

# Artifacts libFuzzer writes (crash-*, timeout-*, ...), not the .txt programs beside them.
list_artifacts() {
  local dir=$1
  shift
  [ -d "$dir" ] || return 0
  find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \
    -o -name 'leak-*' -o -name 'slow-unit-*' \) ! -name '*.txt' "$@" | sort
}

# The file to replay for an artifact: the text program written beside it, else the raw input.
replay_file() {
  if [ -f "$1.txt" ]; then printf '%s' "$1.txt"; else printf '%s' "$1"; fi
}

# The damon-harness arguments that replay FILE: those of the file's own
# "# replay: damon-harness ..." line (it carries settings such as --max-steps), else
# "run FILE --profile PROFILE". One argument per line.
replay_args() {
  local file=$1 profile=$2 line args
  line=$(grep -m 1 -a '^# replay: damon-harness run ' "$file" 2>/dev/null || true)
  if [ -n "$line" ]; then
    read -ra args <<<"${line#\# replay: damon-harness }"
    printf '%s\n' "${args[@]}"
  else
    printf '%s\n' run "$file" --profile "$profile"
  fi
}

# Meaning of a `damon-harness run` exit code.
verdict_name() {
  case $1 in
    0) printf 'no finding' ;;
    1) printf 'finding' ;;
    2) printf 'bad input' ;;
    124) printf 'replay timed out' ;;
    *) printf 'harness error (exit %s)' "$1" ;;
  esac
}
