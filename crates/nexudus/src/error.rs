//! The one error type of the client, and the two questions every caller asks of it.

use std::time::Duration;

use crate::model::FieldError;

/// Why the token endpoint refused a login or a refresh.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    #[error("the email or password is wrong, or the session was revoked ({0})")]
    InvalidGrant(String),
    #[error("this account needs a two-factor code")]
    TwoFactorRequired,
    #[error("this account must reset its password in Nexudus first")]
    MustResetPassword,
    #[error("the server refused the grant type")]
    UnsupportedGrantType,
    #[error("login refused: {error}: {description}")]
    Other { error: String, description: String },
}

impl LoginError {
    pub(crate) fn from_code(error: &str, description: String) -> Self {
        match error {
            "invalid_grant" => Self::InvalidGrant(description),
            "two_factor_auth_check" => Self::TwoFactorRequired,
            "must_reset_password" => Self::MustResetPassword,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            other => Self::Other {
                error: other.to_owned(),
                description,
            },
        }
    }
}

/// Everything that can go wrong talking to the API.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// A 400, or a 200 whose envelope says `WasSuccessful: false`: the server looked at the data
    /// and refused it. Sending it again changes nothing.
    #[error("the server refused the data: {message}")]
    Validation {
        status: u16,
        message: String,
        errors: Vec<FieldError>,
    },
    /// No usable session: nobody logged in, or the refresh token is gone or revoked.
    #[error("not logged in to Nexudus, or the session has ended; a staff member must log in")]
    Unauthorized,
    /// The token endpoint refused the credentials or the refresh token.
    #[error(transparent)]
    Login(LoginError),
    /// The account lacks the role this call needs.
    #[error("the Nexudus account lacks a role this call needs: {message}")]
    Forbidden {
        message: String,
        /// The role it lacks, where the call is one of the contract's.
        role: Option<String>,
    },
    #[error("not found in Nexudus: {what}")]
    NotFound { what: String },
    /// A 405: the path exists but does not take this method (Nexudus calls failed check-ins
    /// "read-only", for one). Nothing was applied; sending it again changes nothing.
    #[error("Nexudus does not take this call: {what}")]
    NotAllowed { what: String },
    /// The server throttled the call (409, 429 or 503).
    #[error("Nexudus asked to slow down (HTTP {status}); retry after {retry_after:?}")]
    Throttled { status: u16, retry_after: Duration },
    /// The kiosk's own limiter held the call back so as not to exceed the published limits.
    #[error("held back by the kiosk's own rate limit; retry after {retry_after:?}")]
    RateLimited { retry_after: Duration },
    /// A 5xx other than 503: the server failed, perhaps after applying a write.
    #[error("Nexudus failed (HTTP {status}): {message}")]
    Server { status: u16, message: String },
    /// Any other unexpected status.
    #[error("unexpected answer from Nexudus (HTTP {status}): {message}")]
    UnexpectedStatus { status: u16, message: String },
    /// The request never reached the server (no route, refused, DNS): certainly not applied.
    #[error("cannot reach Nexudus: {0}")]
    Connect(String),
    /// The connection broke after the request was sent: it may have been applied.
    #[error("the connection to Nexudus broke before its answer: {0}")]
    ConnectionLost(String),
    /// No answer in time after the request was sent: it may have been applied.
    #[error("Nexudus did not answer within {0:?}")]
    Timeout(Duration),
    /// The answer could not be read as the contract says.
    #[error("Nexudus sent an answer the kiosk cannot read (HTTP {status}): {detail}")]
    Malformed { status: u16, detail: String },
    /// The caller asked for something that cannot be sent (a PUT without an Id, a bad base URL).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

impl ApiError {
    /// Worth trying again later, unchanged: the fault is in the network, the server's load or
    /// the limits, not in the request.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Throttled { .. }
                | Self::RateLimited { .. }
                | Self::Server { .. }
                | Self::Connect(_)
                | Self::ConnectionLost(_)
                | Self::Timeout(_)
                | Self::Malformed { .. }
        )
    }

    /// The session is gone: nothing will succeed until a staff member logs in again.
    pub fn needs_login(&self) -> bool {
        matches!(self, Self::Unauthorized | Self::Login(_))
    }

    /// What the server itself said of a refusal (its message), where it said something: its
    /// words, not the client's, so a face may show them as they came.
    pub fn server_words(&self) -> Option<&str> {
        let words = match self {
            Self::Validation { message, .. }
            | Self::Forbidden { message, .. }
            | Self::Server { message, .. }
            | Self::UnexpectedStatus { message, .. } => message.as_str(),
            _ => return None,
        };
        Some(words.trim()).filter(|w| !w.is_empty())
    }

    /// For a write: the server may have applied it even though no good answer came back, so it
    /// must be looked up before it is sent again (sending blindly may duplicate it).
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            Self::Server { .. }
                | Self::ConnectionLost(_)
                | Self::Timeout(_)
                | Self::Malformed { .. }
        )
    }

    /// How long the server (or the kiosk's limiter) asked to wait, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Throttled { retry_after, .. } | Self::RateLimited { retry_after } => {
                Some(*retry_after)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_answer_the_two_questions() {
        let lost = ApiError::ConnectionLost("reset".into());
        assert!(
            lost.is_transient() && lost.outcome_unknown(),
            "a lost answer is retried after a look-up"
        );
        let refused = ApiError::Connect("refused".into());
        assert!(
            refused.is_transient() && !refused.outcome_unknown(),
            "never sent, so never applied"
        );
        let bad = ApiError::Validation {
            status: 400,
            message: "x".into(),
            errors: vec![],
        };
        assert!(
            !bad.is_transient() && !bad.outcome_unknown(),
            "a refusal is final and applied nothing"
        );
        let slow = ApiError::Throttled {
            status: 409,
            retry_after: Duration::from_secs(1),
        };
        assert!(slow.is_transient() && !slow.outcome_unknown());
        assert_eq!(slow.retry_after(), Some(Duration::from_secs(1)));
        assert!(ApiError::Unauthorized.needs_login() && !ApiError::Unauthorized.is_transient());
    }
}
