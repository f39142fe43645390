#!/usr/bin/env bash
# The Debian packages the console and its tests need (Qt's libraries, Xvfb, openssl, baresip, kamailio, npm):
# installs those missing when run as root (make test and .ci/run call it); otherwise names them and exits 0.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

need_apt=()
for pkg in libglib2.0-0 libnss3 libegl1 libgl1 libgbm1 libxcomposite1 libxdamage1 libxrandr2 libxtst6 \
           libxkbcommon0 libxkbfile1 libasound2 libdbus-1-3 libfontconfig1 fonts-dejavu-core \
           xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 \
           libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 binutils openssl baresip-core kamailio; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
# npm fetches the map's Leaflet assets; any npm will do (Debian's, or nodesource's nodejs).
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
if [ "${#need_apt[@]}" -gt 0 ] && [ "$(id -u)" != 0 ]; then
    echo "system_packages: missing (install as root): ${need_apt[*]}" >&2
    exit 0
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
    echo "system_packages: installing ${need_apt[*]}"
    apt-get update -qq
    # policy-rc.d 101: the kamailio package must not start a system service; the telephony tests run
    # their own kamailio on free ports as a child process (kamailio -DD -E -f <their cfg>).
    own_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
    fi
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
    if [ "$own_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
# A kamailio service left by the package (or an image) would hold port 5060: stop and disable it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet kamailio 2>/dev/null; then
    systemctl disable --now kamailio >/dev/null 2>&1 || true
fi

