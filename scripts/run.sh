#!/usr/bin/env bash
# Runs the kiosk. Without a Nexudus account it starts in demo mode against the built-in
# simulator (staff PIN 1234). Today this is the browser face: open the printed address in a
# browser (or a tablet, with --bind 0.0.0.0:8080 and the pairing code). Extra flags go to
# `kiosk serve` (see `cargo run -p kiosk-web -- serve --help`).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
(cd ui && npm run --silent build)
exec cargo run --quiet --locked -p kiosk-web -- serve --ui-dir ui/dist "$@"
