#!/bin/sh
# deps.sh -- install the Debian packages mycosim needs, if any is missing.
# Uses sudo when not root. Called by `make run` and `make test`; quiet when
# everything is already there.
set -e
PKGS="build-essential pkg-config libigraph-dev libglpk-dev libgsl-dev liblua5.4-dev libcunit1-dev gnuplot-nox openmpi-bin libopenmpi-dev"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Another apt (an unattended upgrade, a parallel build) may hold the lock: wait for it.
WAIT="-o DPkg::Lock::Timeout=600"
$SUDO apt-get $WAIT update -qq
$SUDO apt-get $WAIT install -y -qq $missing >&2
