#!/usr/bin/env bash
# Every check of the project: formatting, lints, and all tests of the workspace.
# Installs what it needs first (scripts/setup.sh), so it works on a fresh Debian machine.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy (-D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
