#!/usr/bin/env bash
# Makes sure the programs some tests drive are installed:
#   - Chromium (Debian's package), which renders the backtest report;
#   - Prometheus and promtool, which run the dashboard's queries and the
#     alerting rules in deploy/.
# Tests never download a browser or a binary of their own. As root on a
# Debian-like machine this installs what is missing; otherwise it says
# what to install and fails, so a test does not fail later for no clear reason.
set -euo pipefail

missing=()
command -v chromium >/dev/null || missing+=(chromium)
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  missing+=(prometheus)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "test-tools: the tests need ${missing[*]}; install them (Debian: apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "test-tools: installing ${missing[*]} from Debian packages" >&2
apt-get update -qq >/dev/null
# No recommends: Prometheus would bring and start a node exporter we do not use.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
