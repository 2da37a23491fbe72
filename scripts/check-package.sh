#!/usr/bin/env bash
# Checks the Debian package built by scripts/package.sh (as root, e.g. in CI): installs it with
# apt-get; from the installed files only, lists the plugins, checks the config (as root and as
# the service's user) and verifies the systemd unit; runs the server a moment as the service's
# user on a free loopback port (GET /health with the generated admin key; never through
# systemctl: in a container systemd is not PID 1); then purges the package and checks nothing
# is left. Usage: check-package.sh [FILE.deb]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deb=$(realpath "${1:-$(ls "$root"/build/package/voice-orchestrator_*.deb)}")
name=voice-orchestrator
config=/etc/voice-orchestrator/config.yaml
unit=/lib/systemd/system/$name.service
log=$(mktemp)
export DEBIAN_FRONTEND=noninteractive

fail() {
  echo "check-package: FAILED: $*" >&2
  exit 1
}

if dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q installed; then
  fail "$name is already installed; remove it first (dpkg -P $name)"
fi
server=""
purged=false
cleanup() {
  if [[ -n $server ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  if [[ $purged == false ]]; then apt-get remove --purge -y -q "$name" >/dev/null || true; fi
  rm -f "$log"
}
trap cleanup EXIT

echo "check-package: installing $deb"
apt-get install -y -q --no-install-recommends "$deb" >/dev/null
echo "Depends: $(dpkg-deb -f "$deb" Depends)"

# From / so nothing relative to a checkout can be picked up.
cd /
[[ $(command -v $name) == /usr/bin/$name ]] || fail "$name is not /usr/bin/$name"
with_config=$($name plugins --config "$config")
without_config=$($name plugins)
echo "$with_config"
for plugin in store-sqlite store-postgres queue-memory queue-redis provider-simulator \
  provider-elevenlabs retention-retention; do
  for listing in "$with_config" "$without_config"; do
    grep -q "/usr/lib/$name/plugins/vo-$plugin.so" <<<"$listing" ||
      fail "$name plugins does not list vo-$plugin.so"
  done
done
$name check-config --config "$config" 2>/dev/null
as_user=(setpriv --reuid="$name" --regid="$name" --init-groups --)
"${as_user[@]}" $name check-config --config "$config" >/dev/null 2>&1 ||
  fail "check-config as $name"
[[ $(stat -c %U /var/lib/$name) == "$name" ]] || fail "/var/lib/$name is not $name's"
for conffile in "$config" /etc/default/$name; do
  dpkg-query -W -f='${Conffiles}\n' "$name" | grep -q " $conffile " || fail "$conffile not a conffile"
done
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$unit"
  echo "check-package: systemd-analyze verify $unit: OK"
fi

# The server as the unit runs it (its user, its config), on a free loopback port.
SERVICE_PORT=0 "${as_user[@]}" $name serve --config "$config" >"$log" 2>&1 &
server=$!
for _ in $(seq 300); do
  grep -q "listening on http://" "$log" && break
  kill -0 "$server" 2>/dev/null || fail "the server exited: $(cat "$log")"
  sleep 0.1
done
address=$(grep -o "listening on http://[0-9.:]*" "$log" | sed 's/listening on //') ||
  fail "the server did not listen: $(cat "$log")"
curl -sf "$address/health" -H "Authorization: Bearer $(cat /etc/$name/admin-key)" >/dev/null ||
  fail "GET $address/health"
# The dashboard's files come from the package's share/ folder.
curl -sf "$address/dashboard" | grep -q "voice-orchestrator" || fail "GET $address/dashboard"
kill -TERM "$server"
wait "$server" || fail "the server did not stop cleanly: $(cat "$log")"
server=""
[[ -f /var/lib/$name/$name.db ]] || fail "no database in /var/lib/$name"
echo "check-package: served GET $address/health and /dashboard as $name, stopped cleanly"

echo "check-package: purging $name"
apt-get remove --purge -y -q "$name" >/dev/null
purged=true
for path in /usr/bin/$name /usr/lib/$name /usr/share/$name /etc/$name /etc/default/$name "$unit" /var/lib/$name; do
  [[ ! -e $path ]] || fail "$path is left after the purge"
done
! getent passwd "$name" >/dev/null || fail "user $name is left after the purge"
echo "check-package: OK"
