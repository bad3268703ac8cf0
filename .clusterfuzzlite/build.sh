#!/bin/bash -eu
# ClusterFuzzLite runs $SRC/build.sh; the build itself is the OSS-Fuzz one.
exec "$SRC/damon-walk-harness/ci/oss-fuzz/build.sh" "$@"
