#!/usr/bin/env bash
# Signed updates of the desktop app (issue 29, point 3), end to end: two .deb builds of the app
# (this version and the next patch version) signed with an "operator" key, the next one also
# signed with another key, then the scenario `tests/tests/update.rs`: the older package is
# installed, the app runs on a display of its own against a simulator, and is offered the
# newer one (refused when signed with the other key, installed when idle and restarted when
# signed with the operator's). Needs root (it installs the package, as the updater does with
# sudo). The package is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="$PWD/target/update-test"
rm -rf "$OUT"
mkdir -p "$OUT"

current=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' src-tauri/tauri.conf.json)
IFS=. read -r major minor patch <<<"$current"
next="$major.$minor.$((patch + 1))"

# The packages carry the UI as built now.
(cd ui && npm run --silent build >/dev/null)
tauri() { ui/node_modules/.bin/tauri "$@"; }
tauri signer generate -w "$OUT/operator.key" -p "" --ci -f >/dev/null
tauri signer generate -w "$OUT/other.key" -p "" --ci -f >/dev/null
export TAURI_SIGNING_PRIVATE_KEY_PASSWORD=""
TAURI_SIGNING_PRIVATE_KEY="$(cat "$OUT/operator.key")"
export TAURI_SIGNING_PRIVATE_KEY
for version in "$current" "$next"; do
  echo "== the app $version as a signed .deb (debug build)"
  tauri build --debug --bundles deb --ci \
    --config "{\"version\": \"$version\", \"bundle\": {\"createUpdaterArtifacts\": true}, \"plugins\": {\"updater\": {\"pubkey\": \"$(cat "$OUT/operator.key.pub")\"}}}" >"$OUT/build-$version.log" 2>&1 ||
    { tail -40 "$OUT/build-$version.log"; exit 1; }
  deb=$(ls target/debug/bundle/deb/*_"$version"_*.deb)
  cp "$deb" "$OUT/app-$version.deb"
  cp "$deb.sig" "$OUT/app-$version.deb.sig"
done
# The same newer package, signed with a key that is not the operator's.
cp "$OUT/app-$next.deb" "$OUT/app-$next-other.deb"
env -u TAURI_SIGNING_PRIVATE_KEY ui/node_modules/.bin/tauri signer sign -f "$OUT/other.key" -p "" "$OUT/app-$next-other.deb" >/dev/null

echo "== the app updates itself (tests/tests/update.rs)"
KIOSK_UPDATE_TEST="$OUT" KIOSK_UPDATE_FROM="$current" KIOSK_UPDATE_TO="$next" \
  cargo test --locked -p scenarios --test update -- --ignored --nocapture
