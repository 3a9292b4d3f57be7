#!/usr/bin/env bash
# Installs what the tests need when it is missing: Debian's Chromium (the
# page's end-to-end tests drive it through playwright-core; npm cannot
# download browsers here), a font for its screenshots, and redis-server and
# redis-cli (the feed's tests start their own servers and Redis Clusters:
# internal/redistest), and haproxy (the fault tests and `make cluster` put
# it in front of the nodes: internal/cluster), and prometheus with promtool
# (ops/ops_test.go checks the alert rules and scrapes real nodes with it).
# Go and Node are expected on the machine (see README.md).
#
# `test-deps.sh cluster` installs only what `make cluster` runs: redis-server
# and haproxy; `test-deps.sh figures` that and jq (make figures-nodes).
set -euo pipefail

need=()
case "${1:-}" in
cluster) ;;
figures) command -v jq >/dev/null 2>&1 || need+=(jq) ;;
*)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
  { command -v prometheus && command -v promtool; } >/dev/null 2>&1 || need+=(prometheus)
  ;;
esac
{ command -v redis-server && command -v redis-cli; } >/dev/null 2>&1 || need+=(redis-server)
# Debian installs it in /usr/sbin, which a user's PATH may lack.
{ command -v haproxy || [ -x /usr/sbin/haproxy ]; } >/dev/null 2>&1 || need+=(haproxy)

if [ ${#need[@]} -gt 0 ]; then
  echo "test-deps: installing ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${need[@]}"
fi
for t in go node npm; do
  command -v "$t" >/dev/null 2>&1 || { echo "test-deps: $t is required (Go 1.26, Node 20)" >&2; exit 1; }
done
