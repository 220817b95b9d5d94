//! Customers' commands [doc: developers.nexudus.com/sdk/commands]: the list an account offers
//! (`GET /api/spaces/coworkers/commands`) and running one (`POST .../runcommand`). Which
//! commands exist is the account's; the simulator offers the PIN reminder only with its
//! `pin_reminder_command` switch [open: no page names such a command].

use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::writes::envelope;
use super::{Shared, admit};
use crate::http::{HeaderMap, Response, StatusCode, json_response};
use crate::validate::{self, FieldError};

/// The simulator's key for the PIN reminder.
pub const PIN_REMINDER: &str = "SEND_ACCESS_PIN";

/// `GET /api/spaces/coworkers/commands` (role Coworker-Read [infer]).
pub(super) fn list(sim: &Shared, headers: &HeaderMap) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "Coworker-Read", false) {
        return r;
    }
    let mut commands = Vec::new();
    if st.world.switches.pin_reminder_command {
        commands.push(json!({
            "Key": PIN_REMINDER,
            "Name": "Send the access PIN by e-mail",
            "NeedsEntitiesToRun": true,
            "AppliesOnlyToOneEntity": false,
            "RequiresParameters": [],
        }));
    }
    json_response(StatusCode::OK, &Value::Array(commands))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Run {
    key: String,
    #[serde(default)]
    ids: Vec<i64>,
}

/// `POST /api/spaces/coworkers/runcommand` (role Coworker-Edit [infer]): a known command for
/// customers that exist is recorded as run; anything else is refused by name.
pub(super) fn run(sim: &Shared, headers: &HeaderMap, body: &Bytes) -> Response {
    let mut st = sim.lock();
    let caller = match admit(&mut st, headers, "Coworker-Edit", true) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let refuse = |field: &str, why: &str, value: Value| {
        json_response(
            StatusCode::BAD_REQUEST,
            &validate::error_body(&[FieldError::new(field, why, value)]),
        )
    };
    let Ok(run) = serde_json::from_slice::<Run>(body) else {
        return refuse("Body", "is not a command to run", Value::Null);
    };
    if run.key != PIN_REMINDER || !st.world.switches.pin_reminder_command {
        return refuse("Key", "is not a command of this account", json!(run.key));
    }
    if let Some(id) = run
        .ids
        .iter()
        .find(|id| !st.world.coworkers.contains_key(id))
    {
        return refuse("Ids", "is not a valid customer", json!(id));
    }
    let now = st.now();
    st.world.commands_run.push((run.key, run.ids));
    envelope("Command", "run", 0, &caller.email, now)
}
