#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script (also run by ci/check_ossfuzz.sh without Docker).
#
# Reads what the OSS-Fuzz builder sets: CC CXX CFLAGS CXXFLAGS LIB_FUZZING_ENGINE
# SANITIZER SRC OUT WORK. The sanitizer and coverage flags come only from CFLAGS and
# CXXFLAGS, so the project's own DWH_SANITIZER stays "none".
#
# Writes to $OUT, for each fuzz target T:
#   T                   the libFuzzer (or AFL++) binary
#   T_seed_corpus.zip   corpus/seeds + corpus/regression
#   T.dict, T.options   fuzz/damon.dict and fuzz/T.options
# plus fuzz_walk_sim_<profile> for every profile (dots and dashes as underscores): a copy
# of fuzz_walk_sim that takes its profile from its own name, since OSS-Fuzz cannot pass
# DAMON_PROFILE. Shared libraries that the base-runner image lacks go to $OUT/lib, which
# the targets find through their rpath ($ORIGIN/lib).
set -euo pipefail

: "${SRC:?}" "${OUT:?}" "${WORK:?}" "${CC:?}" "${CXX:?}" "${LIB_FUZZING_ENGINE:?}"
CFLAGS=${CFLAGS:-}
CXXFLAGS=${CXXFLAGS:-}
project=${DWH_SRC:-$SRC/damon-walk-harness}
[ -f "$project/CMakeLists.txt" ] || {
  echo "build.sh: no damon-walk-harness source at $project" >&2
  exit 1
}

# The targets and the profile list (harness/damon/profiles.def), as the CI scripts read them.
# shellcheck source=../lib.sh
source "$project/ci/lib.sh"
targets=("${DWH_FUZZ_TARGETS[@]}")
profiles=("${DWH_PROFILES[@]}")
[ ${#profiles[@]} -gt 0 ] || {
  echo "build.sh: no profiles in $project/harness/damon/profiles.def" >&2
  exit 1
}

generator="Unix Makefiles"
command -v ninja >/dev/null 2>&1 && generator=Ninja

build=$WORK/damon-walk-harness-build
# Single quotes: CMake writes $ORIGIN into the binaries literally.
# shellcheck disable=SC2016
cmake -S "$project" -B "$build" -G "$generator" \
  -DCMAKE_BUILD_TYPE= \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DCMAKE_BUILD_RPATH='$ORIGIN/lib' \
  -DDWH_FUZZING=ON -DDWH_SANITIZER=none -DDWH_WERROR=OFF -DDWH_TESTS=OFF -DDWH_BENCH=OFF \
  -DLIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE"
cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]}"

# The seed corpus: one flat folder, file names prefixed by their corpus folder.
seeds=$WORK/damon-walk-harness-seeds
rm -rf "$seeds" && mkdir -p "$seeds"
for dir in seeds regression; do
  for f in "$project/corpus/$dir"/*.txt; do
    if [ -e "$f" ]; then cp "$f" "$seeds/$dir-$(basename "$f")"; fi
  done
done
seed_zip=$WORK/damon-walk-harness-seed-corpus.zip
rm -f "$seed_zip"
(cd "$seeds" && zip -q -r "$seed_zip" .)

# install_target SOURCE_NAME NAME: the binary and the files ClusterFuzz looks for beside it.
install_target() {
  cp "$build/bin/$1" "$OUT/$2"
  cp "$seed_zip" "$OUT/$2_seed_corpus.zip"
  cp "$project/fuzz/damon.dict" "$OUT/$2.dict"
  cp "$project/fuzz/$1.options" "$OUT/$2.options"
}
for t in "${targets[@]}"; do install_target "$t" "$t"; done
for p in "${profiles[@]}"; do install_target fuzz_walk_sim "fuzz_walk_sim_$(printf '%s' "$p" | tr '.-' '__')"; done
# For .options files that name the dictionary by its source name.
cp "$project/fuzz/damon.dict" "$OUT/damon.dict"

# Libraries in the base-runner image; anything else a target links goes to $OUT/lib.
in_base_runner() {
  case $1 in
    linux-vdso.so.* | ld-linux*.so.* | libc.so.* | libm.so.* | libpthread.so.* | libdl.so.* | \
      librt.so.* | libgcc_s.so.* | libstdc++.so.* | libresolv.so.* | libutil.so.*) return 0 ;;
  esac
  return 1
}
for t in "${targets[@]}"; do
  ldd "$OUT/$t" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r lib; do
    in_base_runner "$(basename "$lib")" && continue
    case $lib in "$OUT"/*) continue ;; esac
    mkdir -p "$OUT/lib"
    if [ ! -e "$OUT/lib/$(basename "$lib")" ]; then cp -L "$lib" "$OUT/lib/"; fi
  done
done
echo "build.sh: built ${targets[*]} and ${#profiles[@]} profile copies of fuzz_walk_sim into $OUT"
