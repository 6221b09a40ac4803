#!/bin/sh
# Installs the Debian packages mod_carechain needs to build, run and test, when any is missing.
# As root it runs apt-get directly; otherwise through sudo when that works without a prompt;
# otherwise it prints the exact command and fails.
set -eu
PKGS="apache2-bin apache2-dev libaprutil1-dbd-pgsql libjansson-dev libjwt-dev libpq-dev libmagic-dev libssl-dev
libcurl4-openssl-dev python3-aiosmtpd openssl postgresql postgresql-contrib pkg-config make gcc clang libclang-rt-dev check python3 python3-pytest python3-requests python3-yaml python3-jsonschema
python3-hypothesis
wrk ca-certificates clang-format git libapache2-mod-qos nodejs
mmdebstrap debhelper dpkg-dev lintian rpm rpmlint curl iproute2
chromium chromium-driver python3-selenium"
[ $# -gt 0 ] && PKGS="$PKGS $*"

missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "install-deps: missing:$missing"
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "install-deps: run this as root, then try again:" >&2
    echo "  apt-get update && apt-get install -y$missing" >&2
    exit 1
fi
# The postgresql package would create and start a system cluster on :5432; we only want the
# binaries (the project runs private clusters), so say so before it is installed.
case "$missing" in
    *postgresql*)
        $SUDO mkdir -p /etc/postgresql-common/createcluster.d
        echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/carechain.conf >/dev/null
        ;;
esac
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
