#!/usr/bin/env bash
# Every check of the project: the UI's type check, unit tests and build (the app embeds it),
# formatting, lints, all Rust tests, the browser tests against `kiosk serve` in demo mode, and
# the real Tauri window over WebDriver under Xvfb.
# Installs what it needs first (scripts/setup.sh), so it works on a fresh Debian machine.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
# CI builds once from a clean clone: incremental caches would only take disk.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi
echo "== disk free where the build goes: $(df -h --output=avail . | tail -1 | tr -d ' ')"
echo "== UI: type check, unit tests, build"
(cd ui && npm run --silent check && npm test --silent && npm run --silent build)
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy (-D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
# Also builds every binary (kiosk, nexudus-kiosk) that the UI suites below run: building them
# again alone would pick other feature sets and recompile half the tree.
cargo test --workspace --locked
echo "== UI: browser tests (Playwright + Debian's Chromium, against kiosk serve --demo)"
mkdir -p test-output/screenshots
# The LAN tests (ui/e2e/lan.spec.ts) reach the kiosk by an address of this machine that is not
# loopback, as a tablet on the network does; a machine without one gets a dummy one (root).
if ! ip -4 -o addr show scope global 2>/dev/null | grep -q inet; then
  ip link add kiosk-lan type dummy
  ip addr add 198.51.100.7/32 dev kiosk-lan
  ip link set kiosk-lan up
fi
(cd ui && npx playwright test)
echo "== the Tauri window (WebDriver under Xvfb)"
SKIP_BUILD=1 scripts/tauri-window-test.sh
echo "== signed updates of the app (two signed .deb builds, installed and updated; root)"
scripts/update-test.sh
