//! Why an outbox entry waits or was set aside, as a code and values the faces word in the
//! reader's language (never a sentence made here: the desk may be in Portuguese). Stored in the
//! outbox's `last_error` as JSON; rows written before, as English sentences, still read.

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;

use super::model::RecordKind;

/// What became of an entry's last try, for staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SendProblem {
    /// Nexudus refused the record (a plan, a pass, a field): fixed in Nexudus, then retried.
    /// `said`: Nexudus's own words, shown as it said them (they are its, not the kiosk's).
    Refused {
        code: ErrorCode,
        said: Option<String>,
    },
    /// The account lacks a role the write needs (`role` where the client knows which).
    MissingRole { role: Option<String> },
    /// A check-out or an undo whose check-in was refused: it cannot go either.
    CheckinRefused { why: Box<SendProblem> },
    /// Its check-in never reached Nexudus (never queued, or taken out of the queue).
    CheckinNeverSent,
    /// The record is gone from the kiosk's database: nothing to send.
    MissingHere { record: RecordKind },
    /// The record was deleted in Nexudus.
    DeletedInNexudus { record: RecordKind },
    /// Taken back at the kiosk ("Not you? Undo"), but the account lacks `Checkin-Delete`: the
    /// check-in `checkin` stays in Nexudus until staff delete it there or grant the role.
    UndoNeedsRole { checkin: i64 },
    /// Waits for an earlier entry of the same record (its check-in, its visitor's registration).
    WaitingFor { record: RecordKind },
    /// A failure that passes (the network, Nexudus's load, a login): tried again by itself.
    Passing { code: ErrorCode },
    /// The kiosk stopped while it was being sent: looked up after the next start.
    Interrupted,
    /// Taken out of the queue before it left: the member took it back at the kiosk.
    TakenBack,
    /// Written by a kiosk before problems were stored as codes: its English sentence.
    Text { said: String },
}

impl SendProblem {
    /// The problem as stored in `last_error`.
    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| format!("{self}"))
    }

    /// A failure that waits for its moment (the network, the limits, a login, a role).
    pub fn of_passing(e: &nexudus::ApiError) -> Self {
        match e {
            nexudus::ApiError::Forbidden { role, .. } => Self::MissingRole { role: role.clone() },
            other => Self::Passing {
                code: ErrorCode::of_api(other),
            },
        }
    }

    /// A refusal for good, with Nexudus's own words where it gave some.
    pub fn refused(e: &nexudus::ApiError) -> Self {
        Self::Refused {
            code: ErrorCode::of_api(e),
            said: e.server_words().map(str::to_owned),
        }
    }

    /// A stored `last_error`: JSON, or an older kiosk's sentence.
    pub fn from_stored(text: String) -> Self {
        serde_json::from_str(&text).unwrap_or(Self::Text { said: text })
    }
}

/// In English, for logs and the command line (the screens word the code themselves).
impl std::fmt::Display for SendProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused { code, said } => {
                write!(f, "refused by Nexudus ({code})")?;
                if let Some(said) = said {
                    write!(f, ": {said}")?;
                }
                Ok(())
            }
            Self::MissingRole { role: Some(role) } => {
                write!(f, "the Nexudus user lacks the {role} role")
            }
            Self::MissingRole { role: None } => f.write_str("the Nexudus user lacks a role"),
            Self::CheckinRefused { why } => write!(f, "its check-in was refused: {why}"),
            Self::CheckinNeverSent => f.write_str("its check-in never reached Nexudus"),
            Self::MissingHere { record } => {
                write!(
                    f,
                    "the {} is missing from the kiosk's database",
                    name(*record)
                )
            }
            Self::DeletedInNexudus { record } => {
                write!(f, "the {} was deleted in Nexudus", name(*record))
            }
            Self::UndoNeedsRole { checkin } => write!(
                f,
                "taken back at the kiosk, but the Nexudus user lacks the Checkin-Delete role: \
                 delete check-in {checkin} in Nexudus, or grant the role and retry"
            ),
            Self::WaitingFor { record } => write!(f, "waiting for its {} to sync", name(*record)),
            Self::Passing { code } => write!(f, "not sent yet ({code})"),
            Self::Interrupted => f.write_str("the kiosk stopped while this was being sent"),
            Self::TakenBack => f.write_str("taken back at the kiosk before it was sent"),
            Self::Text { said } => f.write_str(said),
        }
    }
}

fn name(record: RecordKind) -> &'static str {
    match record {
        RecordKind::Checkin => "check-in",
        RecordKind::Failed => "failed check-in",
        RecordKind::Visitor => "visitor",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_reads_back_as_it_was_stored() {
        let problems = [
            SendProblem::Refused {
                code: ErrorCode::Validation,
                said: Some("FromTime: is a required field".into()),
            },
            SendProblem::CheckinRefused {
                why: Box::new(SendProblem::MissingRole {
                    role: Some("Checkin-Create".into()),
                }),
            },
            SendProblem::DeletedInNexudus {
                record: RecordKind::Visitor,
            },
            SendProblem::UndoNeedsRole { checkin: 42 },
        ];
        for p in problems {
            assert_eq!(SendProblem::from_stored(p.to_stored()), p);
        }
    }

    #[test]
    fn an_older_kiosks_sentence_reads_as_text() {
        let old = "the check-in was deleted in Nexudus".to_owned();
        assert_eq!(
            SendProblem::from_stored(old.clone()),
            SendProblem::Text { said: old }
        );
    }
}
