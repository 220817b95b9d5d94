//! Passes in the simulated account: what staff add (`POST /api/billing/coworkertimepasses`,
//! `CreateMultiple` at a time), and what a check-in of a customer without a plan uses.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::{Refusal, World};
use crate::passes::{Cover, CoworkerTimePass, cover};
use crate::validate::{Checked, FieldError};

/// At most this many passes in one POST [infer: no page gives a limit].
const MOST_AT_ONCE: i64 = 500;

impl World {
    /// `POST /api/billing/coworkertimepasses`: `CreateMultiple` passes of one kind for one
    /// customer; answers the first one's Id.
    pub fn create_time_passes(
        &mut self,
        body: &Checked,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, Refusal> {
        let coworker_id = body.int("CoworkerId").unwrap_or_default();
        let business_id = body.int("BusinessId").unwrap_or_default();
        let kind_id = body.int("TimePassId").unwrap_or_default();
        let count = body.int("CreateMultiple").unwrap_or_default();
        let invalid = |field: &str, why: &str, value: i64| {
            Refusal::Invalid(vec![FieldError::new(field, why, json!(value))])
        };
        if !self.coworkers.contains_key(&coworker_id) {
            return Err(invalid(
                "CoworkerId",
                "is not a valid customer",
                coworker_id,
            ));
        }
        if self.business(business_id).is_none() {
            return Err(invalid(
                "BusinessId",
                "is not a valid location",
                business_id,
            ));
        }
        let Some(kind) = self
            .time_pass_kinds
            .iter()
            .find(|k| k.id == kind_id)
            .cloned()
        else {
            return Err(invalid("TimePassId", "is not a valid pass", kind_id));
        };
        if !(1..=MOST_AT_ONCE).contains(&count) {
            return Err(invalid(
                "CreateMultiple",
                "must be between 1 and 500",
                count,
            ));
        }
        let first = self.next_pass_id;
        for _ in 0..count {
            let id = self.next_pass_id;
            self.next_pass_id += 1;
            self.passes.insert(
                id,
                CoworkerTimePass {
                    id,
                    unique_id: Uuid::new_v4(),
                    coworker_id,
                    business_id,
                    time_pass_id: kind.id,
                    time_pass_name: kind.name.clone(),
                    used: body.bool("Used").unwrap_or(false),
                    used_date: None,
                    price: if body.bool("Free") == Some(true) {
                        Some(0.0)
                    } else {
                        Some(body.number("Price").unwrap_or(kind.price))
                    },
                    expire_date: body.instant("ExpireDate"),
                    is_from_tariff: body.text("TariffTimePassUniqueId").is_some()
                        || body.text("CoworkerContractUniqueId").is_some(),
                    coworker_product_unique_id: body.text("CoworkerProductUniqueId"),
                    notes: body.text("Notes"),
                    created_on: now,
                    updated_on: now,
                    updated_by: by.to_owned(),
                },
            );
        }
        Ok(first)
    }

    /// What covers a check-in of `coworker` at `business` from `at`, by their passes.
    pub fn pass_cover(&self, coworker: i64, business: i64, at: DateTime<Utc>) -> Cover {
        let day = self.local_day(business, at);
        let theirs = self.passes.values().filter(|p| p.coworker_id == coworker);
        cover(
            theirs,
            at,
            |p| p.used_date.and_then(|d| self.local_day(business, d)),
            day.unwrap_or_else(|| at.date_naive()),
        )
    }

    /// Uses pass `id` for a check-in from `at`; answers its `UniqueId`, which the check-in keeps.
    pub fn use_pass(&mut self, id: i64, at: DateTime<Utc>, now: DateTime<Utc>) -> Option<Uuid> {
        let pass = self.passes.get_mut(&id)?;
        if !pass.used {
            pass.used = true;
            pass.used_date = Some(at);
            pass.updated_on = now;
            "system".clone_into(&mut pass.updated_by);
        }
        Some(pass.unique_id)
    }

    fn local_day(&self, business: i64, at: DateTime<Utc>) -> Option<NaiveDate> {
        self.local_time(business, at).map(|t| t.date())
    }
}
