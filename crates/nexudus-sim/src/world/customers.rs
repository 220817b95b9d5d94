//! Customers and their contracts, written the way an operator (or an import) writes them:
//! `POST /api/spaces/coworkers` (Coworker-Create) and `POST /api/billing/coworkercontracts`
//! (CoworkerContract-Create), so a test builds an untidy account as Nexudus would hold it.
//!
//! [doc: developers.nexudus.com/rest-api/spaces/post-coworkers, billing/post-coworkercontracts]
//! The roles, the fields, "to assign a plan at creation time, pass TariffId", and "a customer
//! with at least one active contract is regarded as a Member". [infer] Which customer fields are
//! required (the stored page lists them partly): the simulator asks `FullName`, `Email` and
//! `InvoicingBusinessId`, and gives a new customer a unique 5-digit PIN when none is sent, as
//! Nexudus does; a contract needs `CoworkerId` and `TariffId` and starts at `StartDate` or today.

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::{Refusal, World};
use crate::records::Coworker;
use crate::validate::{Checked, Field, FieldError, Kind, f};

/// The fields of a customer POST the simulator keeps.
pub const COWORKER_FIELDS: &[Field] = &[
    f("FullName", Kind::Text, true),
    f("Email", Kind::Text, true),
    f("InvoicingBusinessId", Kind::Int, true),
    f("CoworkerType", Kind::Int, false),
    f("CompanyName", Kind::Text, false),
    f("Active", Kind::Bool, false),
    f("AccessPincode", Kind::Text, false),
    f("AccessCardId", Kind::Text, false),
    f("ProfileIsPublic", Kind::Bool, false),
    f("TariffId", Kind::Int, false),
];

/// The fields of a contract POST the simulator keeps.
pub const CONTRACT_FIELDS: &[Field] = &[
    f("CoworkerId", Kind::Int, true),
    f("TariffId", Kind::Int, true),
    f("StartDate", Kind::Instant, false),
    f("Active", Kind::Bool, false),
];

/// A contract starts on a date [infer: the reference's dates are days]: today's, from midnight.
fn start_of_day(now: DateTime<Utc>) -> DateTime<Utc> {
    now.date_naive().and_time(chrono::NaiveTime::MIN).and_utc()
}

/// The simulator's plans are the tariffs 41000 and on.
const FIRST_TARIFF: i64 = 41_000;

fn invalid(field: &str, why: &str, value: serde_json::Value) -> Refusal {
    Refusal::Invalid(vec![FieldError::new(field, why, value)])
}

impl World {
    fn tariff_name(id: i64) -> Option<&'static str> {
        usize::try_from(id - FIRST_TARIFF)
            .ok()
            .and_then(|i| crate::seed::PLANS.get(i))
            .copied()
    }

    /// `POST /api/spaces/coworkers`: a customer, with a contract where `TariffId` names a plan.
    pub fn create_coworker(
        &mut self,
        body: &Checked,
        _by: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, Refusal> {
        let business = body.int("InvoicingBusinessId").unwrap_or_default();
        if self.business(business).is_none() {
            return Err(invalid(
                "InvoicingBusinessId",
                "is not a valid location",
                json!(business),
            ));
        }
        let tariff = body.int("TariffId");
        let plan = match tariff {
            Some(id) => Some(
                Self::tariff_name(id)
                    .ok_or_else(|| invalid("TariffId", "is not a valid plan", json!(id)))?,
            ),
            None => None,
        };
        let pin = match body.text("AccessPincode") {
            Some(pin) => pin,
            None => self.unused_pin(),
        };
        let id = self.coworkers.keys().max().map_or(100_001, |id| id + 1);
        self.coworkers.insert(
            id,
            Coworker {
                id,
                unique_id: Uuid::new_v4(),
                full_name: body.text("FullName").unwrap_or_default(),
                email: body.text("Email").unwrap_or_default(),
                company_name: body.text("CompanyName"),
                active: body.bool("Active").unwrap_or(true),
                coworker_type: body.int("CoworkerType").unwrap_or(1),
                tariff_name: plan.map(str::to_owned),
                invoicing_business_id: business,
                teams: Vec::new(),
                businesses: Vec::new(),
                access_pincode: Some(pin),
                access_card_id: body.text("AccessCardId"),
                profile_is_public: body.bool("ProfileIsPublic").unwrap_or(false),
                archived: false,
                created_on: now,
                updated_on: now,
            },
        );
        if let Some(plan) = plan {
            self.set_plan(id, Some(plan), now);
            for c in self.contracts.iter_mut().filter(|c| c.coworker_id == id) {
                c.start_date = start_of_day(now);
            }
        }
        Ok(id)
    }

    /// `POST /api/billing/coworkercontracts`: a customer's contract for a plan.
    pub fn create_contract(
        &mut self,
        body: &Checked,
        _by: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, Refusal> {
        let coworker = body.int("CoworkerId").unwrap_or_default();
        if !self.coworkers.contains_key(&coworker) {
            return Err(invalid(
                "CoworkerId",
                "is not a valid customer",
                json!(coworker),
            ));
        }
        let tariff = body.int("TariffId").unwrap_or_default();
        let plan = Self::tariff_name(tariff)
            .ok_or_else(|| invalid("TariffId", "is not a valid plan", json!(tariff)))?;
        let active = body.bool("Active").unwrap_or(true);
        let start = body
            .instant("StartDate")
            .unwrap_or_else(|| start_of_day(now));
        let id = self.add_contract(coworker, tariff, plan, start, active, now);
        if let Some(c) = self.coworkers.get_mut(&coworker)
            && active
        {
            c.tariff_name = Some(plan.to_owned());
            c.updated_on = now;
        }
        Ok(id)
    }

    /// A 5-digit PIN no customer has (Nexudus gives every new customer one [doc]).
    fn unused_pin(&self) -> String {
        let taken: std::collections::HashSet<&str> = self
            .coworkers
            .values()
            .filter_map(|c| c.access_pincode.as_deref())
            .collect();
        let start = (self.coworkers.len() * 7919) % 100_000;
        (0..100_000)
            .map(|i| format!("{:05}", (start + i * 7) % 100_000))
            .find(|p| !taken.contains(p.as_str()))
            .unwrap_or_else(|| "00000".into())
    }
}
