//! How the simulated account answers the points the contract leaves open.

use serde::{Deserialize, Serialize};

/// The points docs/nexudus-api.md marks open: the simulator can answer each named way, and
/// answers the most restrictive one unless told otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Switches {
    /// List answers carry `CompanyName` and `CoworkerType`, as a newer reference lists them.
    /// Off (the older page: "only the fields outlined above"): lists leave them out.
    pub list_has_company: bool,
    /// A string filter (`Coworker_AccessPincode=12`) matches the whole value. Off: it matches
    /// any value that contains it, so a short PIN finds several members.
    pub exact_string_filters: bool,
    /// A business-rule refusal (no valid pass, no such customer) is an HTTP 400. Off: HTTP 200
    /// with `WasSuccessful: false`, the shape a client that reads the status alone gets wrong.
    pub rule_refusals_as_400: bool,
    /// Failed check-ins are "read-only and generated automatically by the system", as their
    /// pages also say, and a POST is a 405. Off: `POST /api/spaces/failedcheckins` is taken,
    /// as the same pages document it with its role and body [doc].
    pub failed_checkins_read_only: bool,
    /// A check-in's `SystemId` is stored as sent ("can only be seen and updated using the API"
    /// [old]). Off: the server drops it, so a client must find its records without it.
    pub stores_system_id: bool,
    /// A check-in's `Source` is stored as sent. Off: older pages mark it read-only, and the
    /// server keeps 0 (None).
    pub stores_source: bool,
    /// The account offers a customers' command that e-mails a customer their PIN (key
    /// `SEND_ACCESS_PIN`, the simulator's own: no page names one). Off: the commands list has
    /// none, as an account may not.
    pub pin_reminder_command: bool,
}
