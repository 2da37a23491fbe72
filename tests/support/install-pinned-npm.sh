# Sourced by the checks that run on node (fake-elevenlabs/sdk/run.sh, openapi/run.sh):
#   install_pinned_npm <folder with package.json and package-lock.json> <work dir> <a package it
#                      installs> <what, for the failure message>
# Installs the packages pinned in the lock file into <work dir> (npm ci), again only when the
# lock file changes or the package is missing. Returns non-zero, saying so, when npm ci fails.
install_pinned_npm() {
  local source="$1" work="$2" package="$3" what="$4"
  mkdir -p "$work"
  if cmp -s "$source/package-lock.json" "$work/package-lock.json" \
    && [[ -d "$work/node_modules/$package" ]]; then
    return 0
  fi
  cp "$source/package.json" "$source/package-lock.json" "$work/"
  rm -rf "$work/node_modules"
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error) \
    || { echo "FAIL: npm ci of the pinned $what failed" >&2; return 1; }
}
