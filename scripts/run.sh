#!/usr/bin/env bash
# Runs the kiosk. Without a Nexudus account it starts in demo mode against the built-in
# simulator (the status bar says "Demo" and shows the staff PIN, 1234).
#
# With a display: the desktop app, fullscreen in kiosk mode (leave it from the staff panel).
# Without one (a server, SSH), or with KIOSK_FACE=browser: the browser face; open the printed
# address, or serve tablets with `scripts/run.sh --bind 0.0.0.0:8080` and pair each with the code
# it prints. Extra flags go to `kiosk serve` (see `cargo run -p kiosk-web -- serve --help`).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
(cd ui && npm run --silent build)
if [ "${KIOSK_FACE:-}" != "browser" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  exec cargo run --quiet --locked -p nexudus-kiosk
fi
echo "No display here: starting the browser face instead of the app window."
exec cargo run --quiet --locked -p kiosk-web -- serve --ui-dir ui/dist "$@"
