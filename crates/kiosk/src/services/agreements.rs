//! Visitors' agreements (issue 28): a visitor who has not signed the location's current
//! agreement reads it and signs with a finger before going in (expected guests at sign-in,
//! walk-ins with their registration). The signed copy is made here as a PDF and kept with the
//! arrival, offline too; the visitor's Nexudus record gets a line saying so when their arrival
//! is sent (`sync::visitors`). Staff list and export the copies; the daily tidy deletes them
//! once their retention is over.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Staff, Visitors};
use crate::domain::agreements::{
    Agreement, AgreementText, Signature, checked_signature, copy_words,
};
use crate::domain::attempts::Caller;
use crate::domain::model::{VISITORS_DAY, VisitorRow};
use crate::error::{Invalid, KioskError, StoreError};
use crate::store::{SignedRow, Tx};

use super::visitors::VisitorOutcome;

/// A visitor's signature of the agreement as the screen sends it: the version they read, in
/// which language, and the strokes.
#[derive(Debug, Clone, PartialEq, Deserialize, ts_rs::TS)]
pub struct Signing {
    pub version: u32,
    /// The screen's language when they read it (`es`, `pt-BR`...).
    pub language: String,
    pub signature: Signature,
}

/// A signed copy as the staff desk lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SignedCopy {
    pub visit: Uuid,
    pub visitor_name: String,
    pub version: u32,
    pub language: Option<String>,
    #[ts(type = "string")]
    pub signed_at: DateTime<Utc>,
}

/// Whether the visitor of `v` has signed `version`: for this visit, or on an earlier one (by
/// their e-mail and name) whose copy is still kept.
pub(super) fn has_signed(tx: &Tx<'_>, v: &VisitorRow, version: u32) -> Result<bool, StoreError> {
    if tx
        .signed_for(v.local_id)?
        .is_some_and(|s| s.version == version)
    {
        return Ok(true);
    }
    match &v.signer {
        Some(signer) => tx.has_signed(signer, version),
        None => Ok(false),
    }
}

/// The signed copy of `agreement` by `name`, as a PDF and the row that keeps it.
pub(super) fn signed_copy(
    agreement: &Agreement,
    signing: &Signing,
    visit: Uuid,
    name: &str,
    signer: Option<String>,
    at: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> Result<(SignedRow, Vec<u8>), KioskError> {
    if signing.version != agreement.version {
        return Err(Invalid::new(
            "agreement",
            "the agreement changed while it was read: read the new version",
        )
        .into());
    }
    let signature = checked_signature(&signing.signature)?;
    let (text, language) = agreement.text_for(&signing.language);
    let (title, signed_line) = copy_words(Some(&signing.language), agreement.version, name, at, tz);
    let pdf = badge::agreement::render_agreement(&badge::agreement::SignedCopy {
        title: &title,
        text,
        signed: &signed_line,
        signature: &signature.into(),
    })
    .map_err(|e| StoreError::Data(format!("the signed copy could not be made: {e}")))?;
    let row = SignedRow {
        visit,
        signer,
        full_name: name.to_owned(),
        version: agreement.version,
        language: language.map(str::to_owned),
        signed_at: at,
    };
    Ok((row, pdf))
}

impl Visitors {
    /// The agreement a visitor is asked to sign, as they read it in `language` (the screen's);
    /// none where staff set none.
    pub fn agreement_text(&self, language: &str) -> Option<AgreementText> {
        self.shared
            .settings()
            .visitors
            .agreement()
            .map(|a| a.read_in(language))
    }

    /// An expected visitor asked to sign (`VisitorOutcome::SignAgreement`) signs, and signs in:
    /// the copy is kept, then the sign-in goes on as if they had just given their code.
    pub fn sign_agreement(
        &self,
        caller: Caller,
        visit: Uuid,
        signing: &Signing,
    ) -> Result<VisitorOutcome, KioskError> {
        self.tries.allowed(caller)?;
        let settings = self.shared.settings();
        let location = settings.location.clone().ok_or(KioskError::NoLocation)?;
        let Some(agreement) = settings.visitors.agreement() else {
            // Staff took the agreement away while it was read: nothing to sign.
            return self.sign_in_by(caller, visit);
        };
        let now = self.shared.clock.now();
        let since = now - VISITORS_DAY;
        let Some(v) = self
            .shared
            .store
            .read(|tx| tx.visitor(visit))?
            .filter(|v| v.location_id == location.id && v.expected_arrival >= since)
        else {
            self.tries.wrong(caller);
            return Err(KioskError::UnknownCode);
        };
        let (row, pdf) = signed_copy(
            agreement,
            signing,
            v.local_id,
            &v.full_name,
            v.signer.clone(),
            now,
            location.tz(),
        )?;
        self.shared.store.write(|tx| tx.keep_signed(&row, &pdf))?;
        self.sign_in_by(caller, visit)
    }

    /// The copies signed in the last `days` days (those still kept), newest first.
    pub fn signed_copies(&self, _staff: &Staff, days: u32) -> Result<Vec<SignedCopy>, KioskError> {
        let since = self.shared.clock.now() - chrono::Duration::days(i64::from(days));
        let rows = self.shared.store.read(|tx| tx.signed_since(since))?;
        Ok(rows
            .into_iter()
            .map(|r| SignedCopy {
                visit: r.visit,
                visitor_name: r.full_name,
                version: r.version,
                language: r.language,
                signed_at: r.signed_at,
            })
            .collect())
    }

    /// A signed copy's PDF, for staff to export; the export is in the audit log.
    pub fn signed_copy_pdf(&self, staff: &Staff, visit: Uuid) -> Result<Vec<u8>, KioskError> {
        let now = self.shared.clock.now();
        self.shared
            .store
            .write(|tx| {
                let pdf = tx.signed_pdf(visit)?;
                if pdf.is_some() {
                    tx.audit(
                        now,
                        "agreement_exported",
                        &format!(
                            "visit {visit}, by staff at the {}",
                            staff.caller().describe()
                        ),
                    )?;
                }
                Ok::<_, StoreError>(pdf)
            })?
            .ok_or_else(|| Invalid::new("visit", "no signed copy of that visit is kept").into())
    }
}

#[cfg(test)]
mod tests;
