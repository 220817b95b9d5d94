//! "Forgot your PIN?": Nexudus e-mails the member their PIN through a customers' command the
//! account offers (found by the command list, never assumed), for the member whose e-mail was
//! typed. Nothing the member sees tells whether the e-mail matched anyone.

use nexudus::{ApiError, Client, CommandInfo, CoworkerQuery, Paging};
use tracing::{debug, info};

use crate::shared::Shared;
use crate::store::StateKey;

/// The command among `commands` that e-mails a member their PIN: one whose key or name has
/// "PIN" (or "pincode") as a word, run for chosen customers [infer: no page names it].
pub(crate) fn pin_reminder_command(commands: &[CommandInfo]) -> Option<&CommandInfo> {
    commands
        .iter()
        .find(|c| c.needs_entities_to_run && (c.mentions("pin") || c.mentions("pincode")))
}

/// Reads the account's customers' commands and keeps the PIN reminder's key (or its absence).
/// A server without the list (404) or an account not allowed it offers none.
pub(super) async fn discover(shared: &Shared, api: &Client) -> Result<(), crate::sync::SyncError> {
    let key = match api.coworker_commands().await {
        Ok(commands) => pin_reminder_command(&commands).map(|c| c.key.clone()),
        Err(ApiError::NotFound { .. } | ApiError::Forbidden { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    shared.store.write(|tx| match &key {
        Some(key) => tx.set_state(StateKey::PinReminderCommand, key),
        None => tx.delete_state(StateKey::PinReminderCommand),
    })?;
    Ok(())
}

/// Sends the PIN reminder for the member whose e-mail is `email`, if one is (the whole address,
/// any case: the filter may match a part of it). Logs whether it was sent, never the address.
pub(crate) async fn send_pin_reminder(shared: &Shared, key: &str, email: &str) {
    let Some(api) = shared.api() else {
        return;
    };
    let query = CoworkerQuery {
        email: Some(email.to_owned()),
        paging: Paging {
            size: 5,
            ..Paging::default()
        },
        ..CoworkerQuery::default()
    };
    let member = match api.coworkers_page(&query, 1).await {
        Ok(page) => page.records.into_iter().find(|c| {
            c.active
                && c.archived != Some(true)
                && c.email
                    .as_deref()
                    .is_some_and(|e| e.trim().eq_ignore_ascii_case(email))
        }),
        Err(e) => {
            debug!(error = %e, "the PIN reminder's look-up failed");
            return;
        }
    };
    let Some(member) = member else {
        info!("a PIN reminder was asked for an e-mail no active member has: nothing sent");
        return;
    };
    match api.run_coworker_command(key, &[member.id]).await {
        Ok(()) => info!(member = member.id, "a PIN reminder was sent by Nexudus"),
        Err(e) => debug!(error = %e, "the PIN reminder could not be sent"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pin_reminder_is_the_command_that_names_a_pin_and_runs_for_chosen_customers() {
        let command = |key: &str, name: &str, needs: bool| CommandInfo {
            key: key.into(),
            name: Some(name.into()),
            needs_entities_to_run: needs,
            applies_only_to_one_entity: false,
        };
        let commands = [
            command("SEND_WELCOME", "Send the welcome e-mail", true),
            command("RESET_PINS", "Reset every PIN", false),
            command("SEND_ACCESS_PIN", "Send the access PIN by e-mail", true),
        ];
        assert_eq!(
            pin_reminder_command(&commands).map(|c| c.key.as_str()),
            Some("SEND_ACCESS_PIN")
        );
        assert_eq!(pin_reminder_command(&commands[..2]), None);
    }
}
