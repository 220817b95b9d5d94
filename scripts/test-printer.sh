#!/usr/bin/env bash
# A badge printer for the tests: CUPS's ippeveprinter (Debian's cups-ipp-utils) on port $1,
# keeping every job it prints in folder $2 (job-N.pdf and job-N.env, the job's attributes, which
# ippeveprinter hands its command as IPP_* variables), with the label sizes a Brother QL or a
# DYMO lists. The one definition: the browser tests run it as a web server, and the Rust tests'
# printing::testing::test_printer runs it too.
#
# ippeveprinter announces itself over DNS-SD and will not start without Avahi, which needs the
# system bus: both are started here as root where they do not run. A machine restored from a
# snapshot keeps their pid files without the processes, and then neither starts: stale ones go.
set -euo pipefail
port=$1
mkdir -p "$2"
# Absolute: ippeveprinter looks a relative command up in CUPS's own folder.
kept=$(realpath "$2")
rm -f "$kept"/job-*
# Tests start printers side by side: one at a time starts the daemons. The daemons outlive the
# test, so they must not hold its output open (a test piped into another command would not end):
# what they say goes to /tmp/kiosk-test-daemons.log, and the lock is not theirs to keep.
(
  flock 9
  if ! pgrep -x avahi-daemon >/dev/null; then
    if ! pgrep -x dbus-daemon >/dev/null; then
      mkdir -p /run/dbus
      rm -f /run/dbus/pid /run/dbus/system_bus_socket
      dbus-daemon --system --fork </dev/null >>/tmp/kiosk-test-daemons.log 2>&1 9>&-
    fi
    rm -f /run/avahi-daemon/pid
    avahi-daemon -D --no-chroot --no-drop-root </dev/null >>/tmp/kiosk-test-daemons.log 2>&1 9>&-
  fi
  # Avahi answers on the bus a moment after it forks; ippeveprinter started before gives up.
  for _ in $(seq 100); do
    dbus-send --system --print-reply --dest=org.freedesktop.Avahi / \
      org.freedesktop.Avahi.Server.GetVersionString >/dev/null 2>&1 && break
    sleep 0.1
  done
) 9>/tmp/kiosk-test-printer.lock
dir=$kept/.printer
rm -rf "$dir"
mkdir -p "$dir"
cat >"$dir/printer.conf" <<'ATTRS'
ATTR mimeMediaType document-format-supported application/pdf,application/octet-stream
ATTR mimeMediaType document-format-default application/octet-stream
ATTR keyword media-supported om_62x29mm_62x29mm,om_62x100mm_62x100mm,om_54x101mm_54x101mm
ATTR keyword media-default om_62x29mm_62x29mm
ATTR keyword media-ready om_62x29mm_62x29mm,om_62x100mm_62x100mm,om_54x101mm_54x101mm
ATTR keyword media-source-supported main-roll
ATTR keyword media-type-supported labels
ATTR collection media-col-ready {
  MEMBER collection media-size { MEMBER integer x-dimension 6200 MEMBER integer y-dimension 2900 }
  MEMBER keyword media-source main-roll
  MEMBER keyword media-type labels
}
ATTR octetString printer-input-tray "type=continuousRoll;mediafeed=0;mediaxfeed=0;maxcapacity=-2;level=-2;status=0;name=main-roll;"
ATTRS
printf '#!/bin/sh\nenv | grep "^IPP_" > "%s/job-$IPP_JOB_ID.env"\ncp "$1" "%s/job-$IPP_JOB_ID.pdf"\n' "$kept" "$kept" >"$dir/keep-job"
chmod +x "$dir/keep-job"
mkdir -p "$dir/spool"
exec ippeveprinter -p "$port" -a "$dir/printer.conf" -c "$dir/keep-job" -d "$dir/spool" -k "Badges $port" >"$kept/printer.log" 2>&1
