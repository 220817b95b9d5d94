//! Customers' passes (`/api/billing/coworkertimepasses`, CoworkerTimePass-List): what lets a
//! customer without a plan check in (a day pass, a bundle of them, a pass of minutes).
//!
//! Each record is one pass a customer holds: `POST` with `CreateMultiple` N adds N of them
//! [doc: the POST's required fields]. `Used` and `UsedDate` say whether and when it was used;
//! `RemainingUses` and `TotalUses` are read-only, and null in the reference's example [doc:
//! get-coworkertimepasses-batch]: where the server fills them they count the pass's uses
//! [infer: the names; no page says what a use is].

use chrono::{DateTime, Utc};
use futures::Stream;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::ApiError;
use crate::model::Page;
use crate::query::{ListQuery, Paging};
use crate::time::utc_opt;

/// One pass a customer holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CoworkerTimePass {
    pub id: i64,
    /// What a check-in records of the pass it used (`CoworkerTimePassGuid`).
    #[serde(default)]
    pub unique_id: Option<String>,
    #[serde(default)]
    pub coworker_id: Option<i64>,
    /// Where the pass was added.
    #[serde(default)]
    pub business_id: Option<i64>,
    #[serde(default)]
    pub time_pass_id: Option<i64>,
    /// "Day Pass", "10 hours": what the member is told was used.
    #[serde(default)]
    pub time_pass_name: Option<String>,
    #[serde(default)]
    pub used: bool,
    #[serde(default, with = "utc_opt")]
    pub used_date: Option<DateTime<Utc>>,
    #[serde(default)]
    pub remaining_uses: Option<i64>,
    #[serde(default)]
    pub total_uses: Option<i64>,
    /// Cheaper passes are used first [doc: help.nexudus.com, Passes Usage].
    #[serde(default)]
    pub price: Option<f64>,
    #[serde(default, with = "utc_opt")]
    pub expire_date: Option<DateTime<Utc>>,
    /// From a plan (a contract's benefit): used before one added by hand [doc: Passes Usage].
    #[serde(default)]
    pub is_from_tariff: Option<bool>,
    /// From a product (a bundle bought): used before one added by hand [doc: Passes Usage].
    #[serde(default)]
    pub coworker_product_unique_id: Option<String>,
    #[serde(default, with = "utc_opt")]
    pub updated_on: Option<DateTime<Utc>>,
}

crate::records::records_by_id!(CoworkerTimePass);

/// Filters of the passes list.
#[derive(Debug, Clone, Default)]
pub struct TimePassQuery {
    /// `CoworkerTimePass_Coworker`
    pub coworker_id: Option<i64>,
    /// `CoworkerTimePass_Used`: `false` reads only the passes still to use.
    pub used: Option<bool>,
    /// `from_CoworkerTimePass_UsedDate`: passes used at or after this (minute precision).
    pub used_since: Option<DateTime<Utc>>,
    pub paging: Paging,
}

impl ListQuery for TimePassQuery {
    fn pairs(&self) -> Vec<(String, String)> {
        let mut p = Vec::new();
        if let Some(v) = self.coworker_id {
            p.push(("CoworkerTimePass_Coworker".into(), v.to_string()));
        }
        if let Some(v) = self.used {
            p.push(("CoworkerTimePass_Used".into(), v.to_string()));
        }
        if let Some(t) = &self.used_since {
            p.push((
                "from_CoworkerTimePass_UsedDate".into(),
                crate::time::format_filter_from(t),
            ));
        }
        self.paging.push(&mut p);
        p
    }
}

/// A pass to add to a customer (`POST /api/billing/coworkertimepasses`, CoworkerTimePass-Create):
/// how staff sell one. The kiosk itself never adds passes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TimePassWrite {
    pub coworker_id: i64,
    pub business_id: i64,
    pub time_pass_id: i64,
    /// How many passes to add.
    pub create_multiple: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default, with = "utc_opt")]
    pub expire_date: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coworker_product_unique_id: Option<String>,
}

const PASSES: &str = "/api/billing/coworkertimepasses";

impl Client {
    /// The customers' passes a page at a time, with the records of each that did not read.
    pub fn time_pass_pages(
        &self,
        query: TimePassQuery,
    ) -> impl Stream<Item = Result<Page<CoworkerTimePass>, ApiError>> + '_ {
        self.pages(PASSES, query)
    }

    /// One page of passes.
    pub async fn time_passes_page(
        &self,
        query: &TimePassQuery,
        page: u32,
    ) -> Result<Page<CoworkerTimePass>, ApiError> {
        self.page(PASSES, query, page).await
    }

    /// Adds passes to a customer; answers the Id of the (first) one.
    pub async fn create_time_passes(&self, passes: &TimePassWrite) -> Result<i64, ApiError> {
        self.write(reqwest::Method::POST, PASSES, passes).await
    }
}
