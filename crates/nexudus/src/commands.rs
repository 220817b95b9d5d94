//! Server-side commands of customers (`GET /api/spaces/coworkers/commands`,
//! `POST /api/spaces/coworkers/runcommand`): the operations beyond reading and writing records
//! that an account offers [doc: developers.nexudus.com/sdk/commands and reference/
//! commands-run-coworker]. Which commands an account has is discovered, never assumed.

use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::ApiError;

/// One command an account offers for a kind of record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CommandInfo {
    /// What runs it.
    pub key: String,
    /// What people read.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub needs_entities_to_run: bool,
    #[serde(default)]
    pub applies_only_to_one_entity: bool,
}

impl CommandInfo {
    /// Whether its key or name has `word` as a word of its own, any case (`SEND_PIN`,
    /// "Send PIN code" for `pin`; not "Pinned").
    pub fn mentions(&self, word: &str) -> bool {
        [Some(self.key.as_str()), self.name.as_deref()]
            .into_iter()
            .flatten()
            .flat_map(|text| text.split(|c: char| !c.is_alphanumeric()))
            .any(|w| w.eq_ignore_ascii_case(word))
    }
}

/// The body of a run [infer: the SDK runs a command by key with record Ids and parameters; the
/// REST body's names follow its `CommandInfo`].
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct RunCommand<'a> {
    key: &'a str,
    ids: &'a [i64],
    parameters: [(); 0],
}

impl Client {
    /// The commands the account offers for customers.
    pub async fn coworker_commands(&self) -> Result<Vec<CommandInfo>, ApiError> {
        self.get("/api/spaces/coworkers/commands", &[]).await
    }

    /// Runs the customers' command `key` for `ids`.
    pub async fn run_coworker_command(&self, key: &str, ids: &[i64]) -> Result<(), ApiError> {
        let body = RunCommand {
            key,
            ids,
            parameters: [],
        };
        self.run(
            reqwest::Method::POST,
            "/api/spaces/coworkers/runcommand",
            Some(&body),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_mentions_a_word_only_as_a_word_of_its_own() {
        let command = |key: &str, name: Option<&str>| CommandInfo {
            key: key.into(),
            name: name.map(Into::into),
            needs_entities_to_run: true,
            applies_only_to_one_entity: false,
        };
        assert!(command("SEND_PIN", None).mentions("pin"));
        assert!(command("X1", Some("Send PIN code by e-mail")).mentions("pin"));
        assert!(!command("PINNED_NOTE", Some("Pinned")).mentions("pin"));
    }
}
