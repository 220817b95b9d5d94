#!/usr/bin/env bash
# Runs the kiosk in demo mode. Until the app lands (see README, "Not built yet"), this is the
# Nexudus simulator the kiosk runs against: seeded members, the demo account, every endpoint.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
exec cargo run --quiet --locked -p nexudus-sim -- "$@"
