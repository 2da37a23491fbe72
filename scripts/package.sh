#!/usr/bin/env bash
# Builds the Debian package: a Release tree in build/package (no tests, no benchmarks; ccache
# shared with the other trees; VO_PACKAGE=ON adds the /etc and systemd files), then CPack's
# DEB generator (dpkg-shlibdeps, from dpkg-dev, computes the library dependencies). Prints the
# .deb's path as its last line.
# `bash scripts/check-package.sh` installs, checks and purges it.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${VO_JOBS:-$(nproc)}
build=$root/build/package
export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=true

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DVO_BUILD_TESTS=OFF \
  -DVO_BUILD_BENCH=OFF -DVO_PACKAGE=ON >/dev/null
cmake --build "$build" -j"$jobs"
rm -f "$build"/voice-orchestrator_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/voice-orchestrator_*.deb)
echo "package: built $deb"
echo "$deb"
