//! `kiosk serve` as a systemd service (`Type=notify`, `WatchdogSec=`; the unit file is
//! `packaging/kiosk-serve.service`): it says it is ready once it listens with the kiosk booted,
//! pings the watchdog while its database answers (a kiosk whose disk hangs is restarted by
//! systemd rather than left to look alive), and says it is stopping. Outside systemd (no
//! `NOTIFY_SOCKET`) each of these does nothing.

use std::time::Duration;

use kiosk::Kiosk;
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

/// Listening, with the kiosk booted.
pub fn ready() {
    send(&[sd_notify::NotifyState::Ready]);
}

/// Asked to stop: systemd waits for the exit instead of killing at once.
pub fn stopping() {
    send(&[sd_notify::NotifyState::Stopping]);
}

/// Pings the watchdog at half its interval while the kiosk's database answers, until `stop`.
/// Nothing when systemd set no watchdog.
pub fn watchdog(kiosk: Kiosk, stop: CancellationToken) {
    let Some(every) = sd_notify::watchdog_enabled() else {
        return;
    };
    let every = (every / 2).max(Duration::from_millis(50));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                _ = tick.tick() => {}
            }
            let kiosk = kiosk.clone();
            let alive = tokio::task::spawn_blocking(move || kiosk.account().readiness().store)
                .await
                .unwrap_or(false);
            if alive {
                send(&[sd_notify::NotifyState::Watchdog]);
            } else {
                warn!("the database does not answer: the watchdog is not fed");
            }
        }
    });
}

fn send(state: &[sd_notify::NotifyState<'_>]) {
    if let Err(e) = sd_notify::notify(state) {
        debug!(error = %e, "systemd could not be told");
    }
}
