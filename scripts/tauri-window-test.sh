#!/usr/bin/env bash
# The real Tauri window under Xvfb, driven by tauri-driver + WebKitWebDriver.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked --version "^2"
[ "${SKIP_BUILD:-}" = 1 ] || cargo build --locked -p nexudus-kiosk
cd ui
xvfb-run -a -s "-screen 0 1280x800x24" node --test tauri-e2e/
