//! Customers' passes (`/api/billing/coworkertimepasses`): the simulator's catalogue of passes,
//! the records customers hold, and how a check-in picks one.
//!
//! [doc] A day pass "is valid for a calendar day, regardless of how many times the customer
//! checks in and out" (help.nexudus.com, Passes); a customer's passes are used in this order
//! (Passes Usage): priority, day passes before time passes, cheaper first, from plans and
//! products before those added by hand, fewer locations, more remaining time. [doc] `POST` takes
//! `CoworkerId`, `BusinessId`, `TimePassId`, `CreateMultiple` (required). [infer] What a check-in
//! writes on the pass it uses (`Used`, `UsedDate`), and on itself (`CoworkerTimePassGuid`, the
//! pass's `UniqueId`: seed 002); the order among equals by `Id`; the day by the location's
//! calendar.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::records::utc;
use crate::validate::{Field, Kind, f};

/// A kind of pass the account sells (`/api/billing/timepasses`: only its Id and name are served
/// on the customers' passes).
#[derive(Debug, Clone, PartialEq)]
pub struct TimePass {
    pub id: i64,
    pub name: String,
    /// `None`: a day pass (valid for the calendar day it is first used).
    pub minutes_included: Option<i64>,
    pub price: f64,
}

/// The simulator's catalogue: a day pass (sold alone, or ten as a product).
pub fn catalogue() -> Vec<TimePass> {
    vec![TimePass {
        id: 61_001,
        name: "Day Pass".into(),
        minutes_included: None,
        price: 25.0,
    }]
}

/// One pass a customer holds.
#[derive(Debug, Clone, PartialEq)]
pub struct CoworkerTimePass {
    pub id: i64,
    pub unique_id: Uuid,
    pub coworker_id: i64,
    pub business_id: i64,
    pub time_pass_id: i64,
    pub time_pass_name: String,
    pub used: bool,
    pub used_date: Option<DateTime<Utc>>,
    pub price: Option<f64>,
    pub expire_date: Option<DateTime<Utc>>,
    pub is_from_tariff: bool,
    pub coworker_product_unique_id: Option<String>,
    pub notes: Option<String>,
    pub created_on: DateTime<Utc>,
    pub updated_on: DateTime<Utc>,
    pub updated_by: String,
}

impl CoworkerTimePass {
    pub fn to_json(&self) -> Value {
        json!({
            "Id": self.id,
            "UniqueId": self.unique_id,
            "CoworkerId": self.coworker_id,
            "BusinessId": self.business_id,
            "TimePassId": self.time_pass_id,
            "TimePassName": self.time_pass_name,
            "TimePassCurrencyCode": "GBP",
            "Notes": self.notes,
            "PurchaseOrder": null,
            "Used": self.used,
            "CheckedIn": false,
            "UsedDate": self.used_date.as_ref().map(utc),
            // Null, as in the reference's example answer (what a "use" counts is not documented).
            "RemainingUses": null,
            "TotalUses": null,
            "Free": self.price.is_none_or(|p| p == 0.0),
            "Price": self.price,
            "CreateMultiple": 0,
            "ExpireDate": self.expire_date.as_ref().map(utc),
            "Invoiced": false,
            "InvoiceDate": null,
            "IsFromTariff": self.is_from_tariff,
            "IsPayAsYouGo": false,
            "TariffTimePassUniqueId": null,
            "CoworkerProductUniqueId": self.coworker_product_unique_id,
            "CoworkerContractUniqueId": null,
            "CreatedOn": utc(&self.created_on),
            "UpdatedOn": utc(&self.updated_on),
            "UpdatedBy": self.updated_by,
            "IsNew": false,
            "SystemId": null,
        })
    }

    /// Whether it can be used on a check-in at `at`: not used, not expired.
    pub fn usable_at(&self, at: DateTime<Utc>) -> bool {
        !self.used && self.expire_date.is_none_or(|e| e > at)
    }

    /// The order Nexudus uses a customer's passes in [doc: Passes Usage], among day passes:
    /// cheaper first, then those from plans and products, then the oldest [infer].
    pub fn use_order(&self) -> (i64, bool, i64) {
        let cents = (self.price.unwrap_or(0.0) * 100.0).round() as i64;
        let bought = self.is_from_tariff || self.coworker_product_unique_id.is_some();
        (cents, !bought, self.id)
    }
}

/// The fields of a pass POST.
pub const PASS_FIELDS: &[Field] = &[
    f("CoworkerId", Kind::Int, true),
    f("BusinessId", Kind::Int, true),
    f("TimePassId", Kind::Int, true),
    f("CreateMultiple", Kind::Int, true),
    f("Notes", Kind::Text, false),
    f("PurchaseOrder", Kind::Text, false),
    f("Used", Kind::Bool, false),
    f("Free", Kind::Bool, false),
    f("Price", Kind::Number, false),
    f("ExpireDate", Kind::Instant, false),
    f("TariffTimePassUniqueId", Kind::Text, false),
    f("CoworkerProductUniqueId", Kind::Text, false),
    f("CoworkerContractUniqueId", Kind::Text, false),
];

/// What covers a check-in of a customer without a plan, by their passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cover {
    /// A day pass already used on that calendar day at the location: no new use.
    SameDay(i64),
    /// This pass is used now.
    Use(i64),
    /// None of their passes.
    Nothing,
}

/// Picks what covers a check-in on local day `day` at `at` among `passes` (one customer's).
pub fn cover<'a>(
    passes: impl Iterator<Item = &'a CoworkerTimePass> + Clone,
    at: DateTime<Utc>,
    used_on: impl Fn(&CoworkerTimePass) -> Option<NaiveDate>,
    day: NaiveDate,
) -> Cover {
    if let Some(p) = passes.clone().find(|p| p.used && used_on(p) == Some(day)) {
        return Cover::SameDay(p.id);
    }
    passes
        .filter(|p| p.usable_at(at))
        .min_by_key(|p| p.use_order())
        .map_or(Cover::Nothing, |p| Cover::Use(p.id))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn pass(id: i64, price: f64, product: bool) -> CoworkerTimePass {
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        CoworkerTimePass {
            id,
            unique_id: Uuid::nil(),
            coworker_id: 1,
            business_id: 1001,
            time_pass_id: 61_001,
            time_pass_name: "Day Pass".into(),
            used: false,
            used_date: None,
            price: Some(price),
            expire_date: None,
            is_from_tariff: false,
            coworker_product_unique_id: product.then(|| "bundle".into()),
            notes: None,
            created_on: t,
            updated_on: t,
            updated_by: "admin".into(),
        }
    }

    #[test]
    fn a_customer_s_passes_are_used_cheapest_first_then_bought_before_added_by_hand() {
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap();
        let day = at.date_naive();
        let none = |_: &CoworkerTimePass| None;
        let passes = [
            pass(1, 25.0, false),
            pass(2, 25.0, true),
            pass(3, 30.0, true),
        ];
        assert_eq!(cover(passes.iter(), at, none, day), Cover::Use(2));
        let passes = [pass(1, 20.0, false), pass(2, 25.0, true)];
        assert_eq!(
            cover(passes.iter(), at, none, day),
            Cover::Use(1),
            "cheaper first"
        );
        let mut expired = pass(4, 0.0, true);
        expired.expire_date = Some(at);
        let mut used = pass(5, 0.0, true);
        used.used = true;
        assert_eq!(
            cover([expired, used].iter(), at, none, day),
            Cover::Nothing,
            "an expired pass and a used one cover nothing"
        );
    }

    #[test]
    fn a_day_pass_used_today_covers_every_check_in_of_the_day() {
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 15, 0, 0).unwrap();
        let mut morning = pass(1, 25.0, true);
        morning.used = true;
        morning.used_date = Some(Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap());
        let spare = pass(2, 25.0, true);
        let on = |p: &CoworkerTimePass| p.used_date.map(|d| d.date_naive());
        let passes = [morning, spare];
        assert_eq!(
            cover(passes.iter(), at, on, at.date_naive()),
            Cover::SameDay(1)
        );
        let tomorrow = at + chrono::Duration::days(1);
        assert_eq!(
            cover(passes.iter(), tomorrow, on, tomorrow.date_naive()),
            Cover::Use(2)
        );
    }
}
