#!/usr/bin/env bash
# A badge printer for the browser tests: CUPS's ippeveprinter on port $1, keeping every job it
# prints (PDF and attributes) in folder $2, with the label sizes label printers take. It needs
# Avahi, started here as root where it does not run (crates/printing/src/testing.rs does the
# same for the Rust tests).
set -euo pipefail
port=$1
kept=$2
mkdir -p "$kept"
rm -f "$kept"/job-*
if ! pgrep -x avahi-daemon >/dev/null; then
  pgrep -x dbus-daemon >/dev/null || { mkdir -p /run/dbus; dbus-daemon --system --fork; }
  avahi-daemon -D --no-chroot --no-drop-root
fi
conf=$(mktemp)
cat >"$conf" <<'ATTRS'
ATTR mimeMediaType document-format-supported application/pdf,application/octet-stream
ATTR mimeMediaType document-format-default application/octet-stream
ATTR keyword media-supported om_62x29mm_62x29mm,om_62x100mm_62x100mm,om_54x101mm_54x101mm
ATTR keyword media-default om_62x29mm_62x29mm
ATTR keyword media-ready om_62x29mm_62x29mm,om_62x100mm_62x100mm,om_54x101mm_54x101mm
ATTRS
keep=$(mktemp)
printf '#!/bin/sh\nenv | grep "^IPP_" > "%s/job-$IPP_JOB_ID.env"\ncp "$1" "%s/job-$IPP_JOB_ID.pdf"\n' "$kept" "$kept" >"$keep"
chmod +x "$keep"
spool=$(mktemp -d)
exec ippeveprinter -p "$port" -a "$conf" -c "$keep" -d "$spool" -k "Badges $port" >"$kept/printer.log" 2>&1
