#!/usr/bin/env bash
# Makes a fresh Debian/Ubuntu machine ready to build, run and test the kiosk.
# Idempotent: what is already installed is skipped, so a second run takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages (see ../shared/toolchain.md): WebKitGTK and friends for the Tauri shell,
# D-Bus for the OS keyring, Debian's Chromium for the browser tests (Playwright drives it; it
# never downloads a browser of its own), Xvfb + WebKitWebDriver for the real-window tests, and
# iproute2 for the LAN browser tests' address, poppler-utils to read badges back (PDF text,
# images, the QR code) and cups-ipp-utils for a real IPP printer (ippeveprinter) the badge
# tests print to (it needs Avahi to start; the tests start avahi-daemon), sudo for the app's
# updater (it installs a .deb
# with pkexec, a password dialog or sudo; the update test runs as root, where sudo asks nothing).
SYSTEM_PACKAGES=(
  build-essential pkg-config libssl-dev file curl
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev
  libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libxdo-dev
  libdbus-1-dev
  chromium
  xvfb xauth x11-utils webkit2gtk-driver
  iproute2 sudo
  poppler-utils cups-ipp-utils avahi-daemon
)

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} system package(s): ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    SUDO="sudo"
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Prometheus and promtool from Debian's package, unpacked under target/tools (never installed:
# the package would start a Prometheus service): the metrics tests scrape the kiosk with the
# real Prometheus and test the alert rules in docs/monitoring with promtool.
PROMETHEUS_DIR=target/tools/prometheus
if [ ! -x "$PROMETHEUS_DIR/usr/bin/promtool" ] || [ ! -x "$PROMETHEUS_DIR/usr/bin/prometheus" ]; then
  echo "setup: unpacking Debian's prometheus package into $PROMETHEUS_DIR"
  download=$(mktemp -d)
  if ! (cd "$download" && apt-get download -qq prometheus 2>/dev/null); then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    (cd "$download" && apt-get download -qq prometheus)
  fi
  mkdir -p "$PROMETHEUS_DIR"
  dpkg-deb -x "$download"/prometheus_*.deb "$PROMETHEUS_DIR"
  rm -rf "$download"
fi

# Rust components the checks use.
if command -v rustup >/dev/null; then
  for comp in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$comp" || rustup component add "$comp"
  done
fi

# tauri-driver, which drives the real app window over WebDriver (pinned to 2.x: 3.0 is an alpha).
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked --version "^2" --quiet
fi

# cargo-deb, which packages `kiosk serve` with its systemd unit (tests/package.rs builds it from
# the debug binary; pinned below 3.9, which may refuse the dev profile).
if ! command -v cargo-deb >/dev/null; then
  echo "setup: installing cargo-deb"
  cargo install cargo-deb --locked --version "~3.8" --quiet
fi

# Node packages of the UI.
if [ -f ui/package.json ]; then
  if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    echo "setup: installing UI packages"
    (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
echo "setup: ready"
