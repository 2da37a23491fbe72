#!/usr/bin/env bash
# Installs the Debian 12 packages voice-orchestrator needs to build, run and test.
# Set VO_SKIP_APT=1 to skip apt-get entirely when every package is already installed.
set -euo pipefail

packages=(
  libpoco-dev rapidjson-dev libyaml-cpp-dev libspdlog-dev libhttp-parser-dev libhiredis-dev
  libphonenumber-dev  # phone numbers: validation, E.164, region (core/src/phone)
  libhowardhinnant-date-dev tzdata  # time zones (core/src/schedule)
  libssl-dev openssl
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  redis-server postgresql postgresql-contrib libpq-dev
  cmake g++ make ccache wrk sqlite3 clang-format ca-certificates curl
  dpkg-dev  # dpkg-shlibdeps: the Debian package's dependencies (scripts/package.sh)
  clang libclang-rt-14-dev
  libjs-chart.js chromium chromium-driver python3-selenium
)
# Node.js 18+ and npm for the fake ElevenLabs' SDK check (tests/fake-elevenlabs/sdk) and the
# OpenAPI document's check (tests/openapi), only when
# no node is on PATH: a NodeSource node brings its own npm, and Debian's npm conflicts with it.
if ! command -v node >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 && "${VO_SKIP_APT:-0}" == "1" ]]; then
  echo "install-deps: every package is installed (VO_SKIP_APT=1: apt-get skipped)"
  exit 0
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    echo "install-deps: not root and no sudo; missing packages: ${missing[*]:-none}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"
echo "install-deps: done"
