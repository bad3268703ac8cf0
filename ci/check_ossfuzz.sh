#!/usr/bin/env bash
# Runs ci/oss-fuzz/build.sh the way the OSS-Fuzz builder does, without Docker, then the
# checks of OSS-Fuzz's check_build on what it wrote to $OUT.
#
#   ci/check_ossfuzz.sh [--sanitizer address|undefined]... [--no-afl] [--keep]
#
# libFuzzer, for each sanitizer (default: address and undefined), for each target:
#   files    T_seed_corpus.zip, T.dict and T.options are beside T
#   libs     every shared library resolves in a base-runner image (system or $OUT/lib)
#   startup  T -seed=1337 -runs=4 exits 0 (OSS-Fuzz's bad build check)
#   seeds    T -seed=1337 -runs=4 over its unzipped seed corpus: no sanitizer report and no
#            crash other than a harness finding (a crash with the .txt program beside it)
#   runtime  ASan: __asan_report* in the binary; UBSan: __ubsan_handle*
# AFL++ (address): every target built with afl-clang-fast++ and libAFLDriver.a, then run
# for AFL_SECONDS (default 10) with afl-fuzz -V, or replayed with afl-showmap if
# afl-fuzz cannot start on this machine.
# SRC, OUT and WORK are folders under build/ci-ossfuzz/ (fixed names, so that ccache
# reuses earlier builds); --keep leaves them there for inspection.
set -euo pipefail

# shellcheck source=ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DWH_ROOT"

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }

sanitizers=()
afl=1
keep=0
while [ $# -gt 0 ]; do
  case $1 in
    -h | --help)
      usage
      exit 0
      ;;
    --sanitizer)
      [ $# -ge 2 ] || usage_error "--sanitizer needs a value"
      sanitizers+=("$2")
      shift 2
      ;;
    --sanitizer=*) sanitizers+=("${1#*=}") && shift ;;
    --no-afl) afl=0 && shift ;;
    --keep) keep=1 && shift ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(address undefined)
for s in "${sanitizers[@]}"; do
  case $s in address | undefined) ;; *) usage_error "sanitizer must be address or undefined, not '$s'" ;; esac
done
AFL_SECONDS=${AFL_SECONDS:-10}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}

# The flags of OSS-Fuzz's base-builder (CFLAGS) and its SANITIZER_FLAGS_<sanitizer>.
# unsigned-integer-overflow stays in, as in OSS-Fuzz: it is recoverable there and the
# runs below silence it (UBSAN_OPTIONS=silence_unsigned_overflow=1) as ClusterFuzz does,
# since hashing and PRNG code in the harness and in libstdc++ headers wraps on purpose.
BASE_FLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
ASAN_FLAGS="-fsanitize=address -fsanitize-address-use-after-scope"
UBSAN_FLAGS="-fsanitize=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unsigned-integer-overflow,unreachable,vla-bound,vptr -fno-sanitize-recover=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr"
FUZZER_FLAGS="-fsanitize=fuzzer-no-link"

# Run-time options as ClusterFuzz sets them (ASan's: ci/lib.sh).
RUN_ENV=(
  "ASAN_OPTIONS=$DWH_CLUSTERFUZZ_ASAN_OPTIONS"
  "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:print_summary=1:silence_unsigned_overflow=1:symbolize=1"
)

TARGETS=("${DWH_FUZZ_TARGETS[@]}")
for p in "${DWH_PROFILES[@]}"; do TARGETS+=("fuzz_walk_sim_$(profile_suffix "$p")"); done

scratch=$DWH_ROOT/build/ci-ossfuzz
rm -rf "$scratch"
cleanup() {
  if [ "$keep" -eq 1 ]; then info "kept: $scratch"; else rm -rf "$scratch"; fi
}
trap cleanup EXIT
# new_temp VAR NAME: an empty folder $scratch/NAME in VAR.
new_temp() {
  rm -rf "${scratch:?}/$2"
  mkdir -p "$scratch/$2"
  printf -v "$1" '%s' "$scratch/$2"
}

# SRC: a copy of the tracked files plus new, not ignored ones, as a checkout would have.
new_temp SRC src
section "copying the source tree to \$SRC"
mkdir "$SRC/damon-walk-harness"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do if [ -e "$f" ]; then printf '%s\0' "$f"; fi; done |
    tar --null -T - -cf - | tar -xf - -C "$SRC/damon-walk-harness"
else
  tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C "$SRC/damon-walk-harness"
fi
cp ci/oss-fuzz/build.sh "$SRC/build.sh"

rows=()
failures=0
record() { # TARGET CONFIG CHECK RESULT
  rows+=("$(printf '%-28s %-10s %-8s %s' "$1" "$2" "$3" "$4")")
  case $4 in ok*) ;; *) failures=$((failures + 1)) ;; esac
}

# run_build NAME: runs $SRC/build.sh in the builder's working directory with the exported
# CC CXX CFLAGS CXXFLAGS LIB_FUZZING_ENGINE SANITIZER FUZZING_ENGINE SRC OUT WORK.
run_build() {
  local log=$WORK/build.log
  section "build.sh for $1: SANITIZER=$SANITIZER FUZZING_ENGINE=$FUZZING_ENGINE CC=$CC (log: $log)"
  info "CFLAGS=$CFLAGS"
  if (cd "$SRC/damon-walk-harness" && bash -eu "$SRC/build.sh") >"$log" 2>&1; then
    tail -n 3 "$log"
    return 0
  fi
  tail -n 40 "$log"
  return 1
}

# A harness finding aborts with the text program written beside the crash; a sanitizer
# report (other than that abort) or a crash without the program is a bug.
classify_run() { # RC LOG ARTIFACT_DIR
  local rc=$1 log=$2 dir=$3 a crashes report
  report=$(grep -E '^SUMMARY: (AddressSanitizer|UndefinedBehaviorSanitizer)|runtime error:' "$log" |
    grep -v -m 1 'AddressSanitizer: ABRT' || true)
  if [ -n "$report" ]; then
    printf 'FAIL: sanitizer report (%s)' "$(printf '%s' "$report" | cut -c1-100)"
    return
  fi
  if [ "$rc" -eq 0 ]; then
    printf 'ok'
    return
  fi
  mapfile -t crashes < <(list_artifacts "$dir")
  [ ${#crashes[@]} -gt 0 ] || { printf 'FAIL: exit %s, no artifact' "$rc"; return; }
  for a in "${crashes[@]}"; do
    [ -f "$a.txt" ] || { printf 'FAIL: exit %s, %s without its .txt program' "$rc" "${a##*/}"; return; }
  done
  printf 'ok (harness finding %s)' "${crashes[0]##*/}"
}

libs_check() {
  local bin=$1 missing extra
  missing=$(ldd "$bin" 2>&1 | awk '/not found/ { print $1 }' | tr '\n' ' ')
  [ -z "$missing" ] || { printf 'FAIL: unresolved %s' "$missing"; return; }
  extra=$(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r lib; do
    case $(basename "$lib") in
      linux-vdso.so.* | ld-linux*.so.* | libc.so.* | libm.so.* | libpthread.so.* | libdl.so.* | \
        librt.so.* | libgcc_s.so.* | libstdc++.so.* | libresolv.so.* | libutil.so.*) ;;
      *) case $lib in "$OUT"/lib/*) ;; *) printf '%s ' "$lib" ;; esac ;;
    esac
  done)
  [ -z "$extra" ] || { printf 'FAIL: needs %s(not in base-runner, not in %s)' "$extra" "\$OUT/lib"; return; }
  printf 'ok'
}

check_libfuzzer_target() { # TARGET CONFIG
  local t=$1 cfg=$2 bin=$OUT/$1 f missing="" opts rc log dir="" result
  if [ ! -x "$bin" ]; then
    record "$t" "$cfg" build "FAIL: not in \$OUT"
    return
  fi
  for f in "${t}_seed_corpus.zip" "$t.dict" "$t.options"; do [ -f "$OUT/$f" ] || missing+="$f "; done
  if [ -n "$missing" ]; then record "$t" "$cfg" files "FAIL: missing $missing"; else record "$t" "$cfg" files ok; fi
  record "$t" "$cfg" libs "$(libs_check "$bin")"
  mapfile -t opts < <(libfuzzer_options "$OUT/$t.options")

  new_temp dir "run-$t"
  log=$dir/startup.log
  rc=0
  (cd "$dir" && env "${RUN_ENV[@]}" timeout "$RUN_TIMEOUT" "$bin" "${opts[@]}" -seed=1337 -runs=4 \
    -artifact_prefix="$dir/startup-") >"$log" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ]; then record "$t" "$cfg" startup ok; else
    record "$t" "$cfg" startup "FAIL: exit $rc ($(grep -m 1 -E 'ERROR|error' "$log" | cut -c1-80))"
  fi

  mkdir -p "$dir/seeds" "$dir/artifacts"
  if [ -f "$OUT/${t}_seed_corpus.zip" ]; then
    unzip -q -o "$OUT/${t}_seed_corpus.zip" -d "$dir/seeds"
    log=$dir/seeds.log
    rc=0
    (cd "$dir" && env "${RUN_ENV[@]}" timeout "$RUN_TIMEOUT" "$bin" "${opts[@]}" -seed=1337 -runs=4 \
      -artifact_prefix="$dir/artifacts/" "$dir/seeds") >"$log" 2>&1 || rc=$?
    result=$(classify_run "$rc" "$log" "$dir/artifacts")
    record "$t" "$cfg" seeds "$result"
  fi

  local symbol=__asan_report
  [ "$SANITIZER" = undefined ] && symbol=__ubsan_handle
  result="FAIL: no $symbol* symbols"
  has_symbol "$bin" "$symbol" && result=ok
  record "$t" "$cfg" runtime "$result"
}

# grep -c reads all of nm's output, so pipefail never sees nm die of SIGPIPE.
has_symbol() { nm "$1" 2>/dev/null | grep -c "$2" >/dev/null; }

libfuzzer_config() { # SANITIZER
  export SANITIZER=$1 FUZZING_ENGINE=libfuzzer FUZZING_LANGUAGE=c++ ARCHITECTURE=x86_64
  export CC=clang CXX=clang++ LIB_FUZZING_ENGINE=-fsanitize=fuzzer
  local san_flags=$ASAN_FLAGS
  [ "$1" = undefined ] && san_flags=$UBSAN_FLAGS
  export CFLAGS="$BASE_FLAGS $san_flags $FUZZER_FLAGS"
  export CXXFLAGS=$CFLAGS
  export SRC OUT WORK
  new_temp OUT "out-$1"
  new_temp WORK "work-$1"
  if ! run_build "libFuzzer + $1"; then
    record "(all)" "$1" build "FAIL: build.sh failed"
    return
  fi
  local t
  for t in "${TARGETS[@]}"; do check_libfuzzer_target "$t" "$1"; done
}

afl_driver() {
  local lib
  lib=$(dpkg -L afl++ 2>/dev/null | grep -m 1 '/libAFLDriver\.a$' || true)
  [ -n "$lib" ] || lib=$(find /usr/lib /usr/local/lib -name libAFLDriver.a 2>/dev/null | head -n 1)
  printf '%s' "$lib"
}

check_afl_target() { # TARGET
  local t=$1 bin=$OUT/$1 dir="" rc=0 stats execs crashes hangs tuples
  [ -x "$bin" ] || {
    record "$t" afl build "FAIL: not in \$OUT"
    return
  }
  new_temp dir "afl-$t"
  mkdir -p "$dir/in"
  unzip -q -o "$OUT/${t}_seed_corpus.zip" -d "$dir/in" 2>/dev/null || true
  compgen -G "$dir/in/*" >/dev/null || printf 'seed' >"$dir/in/empty-seed"
  # -t N+: skip seeds that time out instead of refusing to start.
  (cd "$dir" && env AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
    AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0 \
    timeout $((AFL_SECONDS + 120)) afl-fuzz -i in -o out -V "$AFL_SECONDS" -t 5000+ \
    -x "$OUT/$t.dict" -- "$bin") >"$dir/afl.log" 2>&1 || rc=$?
  stats=$dir/out/default/fuzzer_stats
  if [ "$rc" -eq 0 ] && [ -f "$stats" ]; then
    execs=$(awk -F: '/^execs_done/ { gsub(/ /, "", $2); print $2 }' "$stats")
    crashes=$(awk -F: '/^(saved_crashes|unique_crashes)/ { gsub(/ /, "", $2); print $2 }' "$stats")
    hangs=$(awk -F: '/^(saved_hangs|unique_hangs)/ { gsub(/ /, "", $2); print $2 }' "$stats")
    record "$t" afl afl-fuzz "ok (${execs:-?} execs, ${crashes:-0} crashes, ${hangs:-0} hangs)"
    return
  fi
  info "afl-fuzz could not run $t (exit $rc): $(grep -m 1 -E 'PROGRAM ABORT|\[-\]' "$dir/afl.log" | sed 's/\x1b\[[0-9;]*m//g' | cut -c1-100)"
  rc=0
  env ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0 timeout "$RUN_TIMEOUT" \
    afl-showmap -q -i "$dir/in" -o "$dir/maps" -t 5000 -- "$bin" >"$dir/showmap.log" 2>&1 || rc=$?
  tuples=$(cat "$dir"/maps/* 2>/dev/null | wc -l)
  if [ "$tuples" -gt 0 ]; then
    record "$t" afl showmap "ok (afl-fuzz could not start; afl-showmap: $tuples map entries)"
  else
    record "$t" afl showmap "FAIL: afl-fuzz exit $rc and afl-showmap saw no coverage (see $dir)"
  fi
}

afl_config() {
  local driver
  driver=$(afl_driver)
  if ! command -v afl-clang-fast++ >/dev/null 2>&1 || [ -z "$driver" ]; then
    record "(all)" afl build "FAIL: afl++ not installed (afl-clang-fast++, libAFLDriver.a)"
    return
  fi
  export SANITIZER=address FUZZING_ENGINE=afl FUZZING_LANGUAGE=c++ ARCHITECTURE=x86_64
  export CC=afl-clang-fast CXX=afl-clang-fast++ LIB_FUZZING_ENGINE=$driver
  export CFLAGS="$BASE_FLAGS $ASAN_FLAGS"
  export CXXFLAGS=$CFLAGS
  export SRC OUT WORK
  new_temp OUT out-afl
  new_temp WORK work-afl
  if ! run_build "AFL++ + address"; then
    record "(all)" afl build "FAIL: build.sh failed"
    return
  fi
  local t
  section "afl-fuzz, ${AFL_SECONDS}s per target"
  for t in "${TARGETS[@]}"; do check_afl_target "$t"; done
}

ensure_deps
for s in "${sanitizers[@]}"; do libfuzzer_config "$s"; done
[ "$afl" -eq 0 ] || afl_config

section "OSS-Fuzz check results"
printf '%-28s %-10s %-8s %s\n' target config check result
printf '%s\n' "${rows[@]}"
if [ "$failures" -gt 0 ]; then
  echo "check_ossfuzz: $failures check(s) failed"
  exit 1
fi
echo "check_ossfuzz: all ${#rows[@]} checks passed"
