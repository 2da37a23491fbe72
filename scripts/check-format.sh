#!/usr/bin/env bash
# Fails when a tracked C++ file is not formatted as the root .clang-format says.
# Fix with: git ls-files '*.cpp' '*.h' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v clang-format >/dev/null; then
  echo "check-format: clang-format is not installed (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run -Werror
echo "check-format: every C++ file is formatted"
