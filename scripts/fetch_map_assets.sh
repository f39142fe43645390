#!/usr/bin/env bash
# Fetch the map page's JavaScript/CSS (Leaflet + leaflet.markercluster) into
# resources/map/vendor/ so the map works offline (no CDN at run time).
#
# Uses `npm pack` (published tarballs from the npm registry), checks their
# SHA-256 against pinned values, and copies only the dist files the page needs.
# Idempotent: exits at once when every expected file is already present
# (pass --force to fetch again).  Fails loudly when npm is missing.
set -euo pipefail

LEAFLET_VERSION="1.9.4"
CLUSTER_VERSION="1.5.3"
LEAFLET_SHA256="84c65a256e50657896f54c33bd857b6849ebe94c817803be818bf32a3dde0b77"
CLUSTER_SHA256="fc6b0b1d00b6c708ae54e43ee4a11ac345e41660e19f0a570190bb35babb1a1c"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${ROOT}/resources/map/vendor"

EXPECTED=(
    leaflet.js
    leaflet.css
    images/layers.png
    images/layers-2x.png
    images/marker-icon.png
    images/marker-icon-2x.png
    images/marker-shadow.png
    leaflet.markercluster.js
    MarkerCluster.css
    MarkerCluster.Default.css
)

all_present() {
    local f
    for f in "${EXPECTED[@]}"; do
        [[ -s "${DEST}/${f}" ]] || return 1
    done
}

if [[ "${1:-}" != "--force" ]] && all_present; then
    echo "fetch_map_assets: ${DEST} already complete, nothing to do"
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "fetch_map_assets: ERROR: npm not found on PATH; install Node.js/npm" \
         "(Debian: apt-get install npm) or copy the files listed in this script" \
         "into ${DEST} by hand" >&2
    exit 1
fi

WORK="$(mktemp -d)"
trap 'rm -rf "${WORK}"' EXIT

echo "fetch_map_assets: npm pack leaflet@${LEAFLET_VERSION} leaflet.markercluster@${CLUSTER_VERSION}"
(cd "${WORK}" && npm pack --silent "leaflet@${LEAFLET_VERSION}" \
    "leaflet.markercluster@${CLUSTER_VERSION}" >/dev/null)

check_sha() {
    local file="$1" want="$2" got
    got="$(sha256sum "${file}" | cut -d' ' -f1)"
    if [[ "${got}" != "${want}" ]]; then
        echo "fetch_map_assets: ERROR: checksum mismatch for $(basename "${file}")" \
             "(got ${got}, want ${want})" >&2
        exit 1
    fi
}
check_sha "${WORK}/leaflet-${LEAFLET_VERSION}.tgz" "${LEAFLET_SHA256}"
check_sha "${WORK}/leaflet.markercluster-${CLUSTER_VERSION}.tgz" "${CLUSTER_SHA256}"

mkdir -p "${WORK}/leaflet" "${WORK}/cluster"
tar -xzf "${WORK}/leaflet-${LEAFLET_VERSION}.tgz" -C "${WORK}/leaflet"
tar -xzf "${WORK}/leaflet.markercluster-${CLUSTER_VERSION}.tgz" -C "${WORK}/cluster"

# Stage next to the destination, then swap in, so an interrupted run never
# leaves a half-filled vendor folder that the presence check would accept.
STAGE="${DEST}.tmp.$$"
rm -rf "${STAGE}"
mkdir -p "${STAGE}/images"
cp "${WORK}/leaflet/package/dist/leaflet.js" "${WORK}/leaflet/package/dist/leaflet.css" "${STAGE}/"
cp "${WORK}/leaflet/package/dist/images/"*.png "${STAGE}/images/"
cp "${WORK}/leaflet/package/LICENSE" "${STAGE}/LICENSE-leaflet"
cp "${WORK}/cluster/package/dist/leaflet.markercluster.js" \
   "${WORK}/cluster/package/dist/MarkerCluster.css" \
   "${WORK}/cluster/package/dist/MarkerCluster.Default.css" "${STAGE}/"
cp "${WORK}/cluster/package/MIT-LICENCE.txt" "${STAGE}/LICENSE-leaflet.markercluster" 2>/dev/null \
    || cp "${WORK}/cluster/package/LICENSE"* "${STAGE}/LICENSE-leaflet.markercluster" 2>/dev/null || true

find "${STAGE}" -type f -exec chmod 644 {} +

rm -rf "${DEST}"
mkdir -p "$(dirname "${DEST}")"
mv "${STAGE}" "${DEST}"

all_present || { echo "fetch_map_assets: ERROR: ${DEST} incomplete after fetch" >&2; exit 1; }
echo "fetch_map_assets: installed Leaflet ${LEAFLET_VERSION} + markercluster ${CLUSTER_VERSION} in ${DEST}"
