//! The simulated account's data and the rules its writes follow.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::records::{
    Business, Checkin, Contract, Coworker, FailedCheckin, Shape, SimpleTimeZone, Team,
};
use crate::seed;
use crate::validate::{Checked, FieldError};
use crate::visitors::Visitor;

mod customers;
mod passes;
mod stored;
mod switches;

pub use customers::{CONTRACT_FIELDS, COWORKER_FIELDS};
pub use stored::{Stamp, Stored};
pub use switches::Switches;

/// The server's words when it refuses a check-in for want of a pass (the real wording is not
/// documented: this one is the simulator's).
pub const NO_PASS: &str = "The customer does not hold a valid pass for this location and time";

/// Why a write was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Field validation: HTTP 400 with the `Errors` array.
    Invalid(Vec<FieldError>),
    /// A business rule: HTTP 200 with `WasSuccessful: false`, as community clients report.
    Rule(Vec<FieldError>),
}

/// Locations, teams, members, check-ins and failed check-ins.
#[derive(Debug, Default)]
pub struct World {
    /// How the contract's open points are answered.
    pub switches: Switches,
    pub time_zones: Vec<SimpleTimeZone>,
    pub businesses: Vec<Business>,
    pub teams: Vec<Team>,
    pub coworkers: BTreeMap<i64, Coworker>,
    /// Who has a plan: Nexudus keeps plans as contracts, not on the customer.
    pub contracts: Vec<Contract>,
    pub checkins: BTreeMap<i64, Checkin>,
    pub failed_checkins: BTreeMap<i64, FailedCheckin>,
    /// Guests members expect, and walk-ins registered at the desk.
    pub visitors: BTreeMap<i64, Visitor>,
    /// The passes the account sells, and those its customers hold.
    pub time_pass_kinds: Vec<crate::passes::TimePass>,
    pub passes: BTreeMap<i64, crate::passes::CoworkerTimePass>,
    next_pass_id: i64,
    /// The customers' commands run, in order: (key, Ids).
    pub commands_run: Vec<(String, Vec<i64>)>,
    next_checkin_id: i64,
    next_failed_id: i64,
    /// The open check-ins by the cut-off that will close them, and each one's cut-off.
    due: std::collections::BTreeSet<(DateTime<Utc>, i64)>,
    due_of: std::collections::HashMap<i64, DateTime<Utc>>,
    pub(crate) next_visitor_id: i64,
}

impl World {
    /// The seeded world.
    pub fn seeded(members: usize, seed: u64) -> Self {
        let time_zones = seed::simple_time_zones();
        let businesses = seed::businesses(&time_zones);
        let teams = seed::teams();
        let coworkers: BTreeMap<i64, Coworker> =
            seed::coworkers(members, seed, &businesses, &teams)
                .into_iter()
                .map(|c| (c.id, c))
                .collect();
        let contracts = seed::contracts(&coworkers.values().collect::<Vec<_>>());
        let time_pass_kinds = crate::passes::catalogue();
        let passes: BTreeMap<i64, crate::passes::CoworkerTimePass> = seed::passes(
            &coworkers.values().collect::<Vec<_>>(),
            &time_pass_kinds,
            Utc::now(),
        )
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
        let locations: Vec<i64> = businesses.iter().map(|b| b.id).collect();
        let visitors: BTreeMap<i64, Visitor> = crate::visitors::seed(
            &coworkers.values().collect::<Vec<_>>(),
            &locations,
            Utc::now(),
            seed,
        )
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
        Self {
            switches: Switches::default(),
            time_zones,
            businesses,
            teams,
            coworkers,
            contracts,
            checkins: BTreeMap::new(),
            failed_checkins: BTreeMap::new(),
            next_visitor_id: visitors.keys().max().map_or(71_000_001, |id| id + 1),
            visitors,
            time_pass_kinds,
            next_pass_id: passes.keys().max().map_or(92_000_001, |id| id + 1),
            passes,
            commands_run: Vec::new(),
            next_checkin_id: 87_000_001,
            next_failed_id: 56_000_001,
            due: std::collections::BTreeSet::new(),
            due_of: std::collections::HashMap::new(),
        }
    }

    /// Staff change a member's plan: their active contracts end, and a new one begins if
    /// `plan` names one.
    pub fn set_plan(&mut self, coworker_id: i64, plan: Option<&str>, now: DateTime<Utc>) {
        for c in self
            .contracts
            .iter_mut()
            .filter(|c| c.coworker_id == coworker_id && c.active)
        {
            c.active = false;
            c.cancelled = true;
            c.cancellation_date = Some(now);
            c.updated_on = now;
        }
        if let Some(plan) = plan {
            self.add_contract(coworker_id, 41_000, plan, now, true, now);
        }
    }

    /// A new contract of `coworker_id` for the plan `tariff_id` (`name`) from `start`; answers
    /// its Id.
    pub(crate) fn add_contract(
        &mut self,
        coworker_id: i64,
        tariff_id: i64,
        name: &str,
        start: DateTime<Utc>,
        active: bool,
        now: DateTime<Utc>,
    ) -> i64 {
        let id = self
            .contracts
            .iter()
            .map(|c| c.id)
            .max()
            .unwrap_or(3_000_000)
            + 1;
        self.contracts.push(Contract {
            id,
            coworker_id,
            tariff_id,
            tariff_name: name.to_owned(),
            start_date: start,
            active,
            cancelled: !active,
            cancellation_date: (!active).then_some(now),
            updated_on: now,
        });
        id
    }

    pub fn business(&self, id: i64) -> Option<&Business> {
        self.businesses.iter().find(|b| b.id == id)
    }

    pub fn business_name(&self, id: i64) -> Option<&str> {
        self.business(id).map(|b| b.name.as_str())
    }

    pub fn coworker_name(&self, id: Option<i64>) -> Option<&str> {
        id.and_then(|id| self.coworkers.get(&id))
            .map(|c| c.full_name.as_str())
    }

    pub fn coworker_json(&self, c: &Coworker, shape: Shape) -> Value {
        c.to_json(
            self.business_name(c.invoicing_business_id),
            shape,
            self.switches.list_has_company,
        )
    }

    pub fn checkin_json(&self, c: &Checkin) -> Value {
        c.to_json(
            self.coworker_name(c.coworker_id),
            self.business_name(c.business_id),
        )
    }

    pub fn visitor_json(&self, v: &Visitor) -> Value {
        v.to_json(self.coworker_name(v.coworker_id))
    }

    pub fn failed_json(&self, f: &FailedCheckin) -> Value {
        f.to_json(
            self.coworker_name(f.coworker_id),
            self.business_name(f.business_id),
        )
    }

    /// The wall-clock time at a location, for `...Local` fields the client left out.
    fn local_time(&self, business_id: i64, t: DateTime<Utc>) -> Option<NaiveDateTime> {
        self.business(business_id)
            .map(|b| t.with_timezone(&b.time_zone).naive_local())
    }

    /// The checks every check-in and failed check-in write shares: the location exists
    /// (validation), and the member, if named, exists (a business rule).
    pub(crate) fn check_references(&self, body: &Checked) -> Result<(), Refusal> {
        let business = body.int("BusinessId").unwrap_or_default();
        if self.business(business).is_none() {
            return Err(Refusal::Invalid(vec![FieldError::new(
                "BusinessId",
                "is not a valid location",
                json!(business),
            )]));
        }
        if let Some(coworker) = body.int("CoworkerId")
            && !self.coworkers.contains_key(&coworker)
        {
            return Err(Refusal::Rule(vec![FieldError::new(
                "CoworkerId",
                "the customer does not exist",
                json!(coworker),
            )]));
        }
        Ok(())
    }

    /// Nexudus closes the check-ins still open at each location's daily cut-off [doc]: every
    /// open check-in whose first cut-off after its start has passed by `now` ends at that
    /// cut-off. Answers how many it closed.
    pub fn apply_cut_offs(&mut self, now: DateTime<Utc>) -> usize {
        let mut closed = 0;
        // The open check-ins by when they are due: only those due by now are touched, so this
        // costs nothing per call however many are open.
        while let Some(&(end, id)) = self.due.first()
            && end <= now
        {
            self.due.pop_first();
            self.due_of.remove(&id);
            let local = self.local_time_at(id, end);
            if let Some(c) = self.checkins.get_mut(&id) {
                c.to_time = Some(end);
                c.to_time_local = local;
                c.updated_on = end;
                "system".clone_into(&mut c.updated_by);
                closed += 1;
            }
        }
        closed
    }

    /// Keeps check-in `id`'s place among the open ones by cut-off after it was written or
    /// removed.
    pub(crate) fn index_cut_off(&mut self, id: i64) {
        if let Some(end) = self.due_of.remove(&id) {
            self.due.remove(&(end, id));
        }
        let Some(c) = self.checkins.get(&id).filter(|c| c.to_time.is_none()) else {
            return;
        };
        let end = self
            .business(c.business_id)
            .and_then(|b| first_cut_off_after(c.from_time, b.time_zone, b.cut_off));
        if let Some(end) = end {
            self.due.insert((end, id));
            self.due_of.insert(id, end);
        }
    }

    fn local_time_at(&self, checkin: i64, t: DateTime<Utc>) -> Option<NaiveDateTime> {
        let business = self.checkins.get(&checkin)?.business_id;
        self.local_time(business, t)
    }

    /// Whether the customer held a valid pass at `at`: a contract begun by then and active, or
    /// cancelled only later.
    pub fn has_pass(&self, coworker: i64, at: DateTime<Utc>) -> bool {
        self.contracts.iter().any(|c| {
            c.coworker_id == coworker
                && c.start_date <= at
                && (c.active || c.cancellation_date.is_some_and(|d| d > at))
        })
    }

    /// A check-in as Nexudus takes it [seed 004]: "a customer must hold a valid pass that covers
    /// the location and the time. If not, but Pay As You Go passes are configured, a pass is
    /// assigned and charged at check-in." Otherwise it is refused, and the server records the
    /// failed check-in itself ("generated automatically by the system"). A plan covers first;
    /// then a day pass used that day, then the next of the customer's passes (`passes.rs`).
    pub fn create_checkin(
        &mut self,
        body: &Checked,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, Refusal> {
        self.check_references(body)?;
        let business_id = body.int("BusinessId").unwrap_or_default();
        let from = body.instant("FromTime").unwrap_or(now);
        // The pass the check-in is on: one already used today, one used now, or a
        // pay-as-you-go pass charged now (a plan needs none).
        let mut charged = None;
        let mut spend = None;
        if let Some(coworker) = body.int("CoworkerId")
            && !self.has_pass(coworker, from)
        {
            match self.pass_cover(coworker, business_id, from) {
                crate::passes::Cover::SameDay(pass) => {
                    charged = self.passes.get(&pass).map(|p| p.unique_id.to_string());
                }
                crate::passes::Cover::Use(pass) => spend = Some(pass),
                crate::passes::Cover::Nothing
                    if self.business(business_id).is_some_and(|b| b.payg) =>
                {
                    charged = Some(Uuid::new_v4().to_string());
                }
                crate::passes::Cover::Nothing => {
                    self.record_failed(coworker, business_id, from, body, NO_PASS, now);
                    return Err(Refusal::Rule(vec![FieldError::new(
                        "CoworkerId",
                        NO_PASS,
                        json!(coworker),
                    )]));
                }
            }
        }
        let id = self.create::<Checkin>(body, by, now)?;
        if let Some(pass) = spend {
            charged = self.use_pass(pass, from, now).map(|u| u.to_string());
        }
        if let (Some(pass), Some(record)) = (charged, self.checkins.get_mut(&id)) {
            record.coworker_time_pass_guid = Some(pass);
        }
        Ok(id)
    }

    /// The failed check-in the server records when it refuses one.
    fn record_failed(
        &mut self,
        coworker: i64,
        business_id: i64,
        at: DateTime<Utc>,
        body: &Checked,
        why: &str,
        now: DateTime<Utc>,
    ) {
        let id = self.next_failed_id;
        self.next_failed_id += 1;
        let record = FailedCheckin {
            id,
            unique_id: Uuid::new_v4(),
            business_id,
            coworker_id: Some(coworker),
            checkin_attempt_time: at,
            checkin_attempt_time_local: self.local_time(business_id, at),
            source: body.int("Source").unwrap_or(0),
            mac_addresses: None,
            teams_at_the_time_of_checkin: body.text("TeamsAtTheTimeOfCheckin"),
            tariff_at_the_time_of_checkin: None,
            description: Some(why.to_owned()),
            system_id: None,
            created_on: now,
            updated_on: now,
            updated_by: "system".to_owned(),
        };
        self.failed_checkins.insert(id, record);
    }

    /// Creates a record from a checked body; answers its Id.
    pub fn create<R: Stored>(
        &mut self,
        body: &Checked,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, Refusal> {
        let id = *R::next_id(self);
        let stamp = Stamp {
            id,
            unique_id: Uuid::new_v4(),
            created_on: now,
            by,
            now,
        };
        let record = R::build(self, &stamp, body)?;
        *R::next_id(self) += 1;
        R::table(self).insert(id, record);
        if R::ENTITY == "Checkin" {
            self.index_cut_off(id);
        }
        Ok(id)
    }

    /// A PUT replaces the record: every field not sent is cleared.
    pub fn update<R: Stored>(
        &mut self,
        body: &Checked,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, Refusal> {
        let id = body.int("Id").unwrap_or_default();
        let Some((unique_id, created_on)) = R::table(self).get(&id).map(R::identity) else {
            let message = format!("{} not found", R::ENTITY);
            return Err(Refusal::Invalid(vec![FieldError::new(
                "Id",
                &message,
                json!(id),
            )]));
        };
        let record = R::build(
            self,
            &Stamp {
                id,
                unique_id,
                created_on,
                by,
                now,
            },
            body,
        )?;
        R::table(self).insert(id, record);
        if R::ENTITY == "Checkin" {
            self.index_cut_off(id);
        }
        Ok(id)
    }
}

/// The first time after `start` that the wall clock at a location in `tz` shows `cut_off` (in
/// a DST gap, the first instant after it; in a repeated hour, the first of the two).
fn first_cut_off_after(
    start: DateTime<Utc>,
    tz: chrono_tz::Tz,
    cut_off: chrono::NaiveTime,
) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    let local_start = start.with_timezone(&tz).naive_local();
    (0..3).find_map(|day| {
        let date = local_start.date() + chrono::Duration::days(day);
        let wall = date.and_time(cut_off);
        let instant = match tz.from_local_datetime(&wall) {
            chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t,
            chrono::LocalResult::None => tz
                .from_local_datetime(&(wall + chrono::Duration::hours(1)))
                .earliest()?,
        }
        .with_timezone(&Utc);
        (instant > start).then_some(instant)
    })
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveTime, TimeZone};

    use super::*;

    #[test]
    fn the_cut_off_is_the_next_wall_clock_cut_off_after_the_start() {
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let london = chrono_tz::Europe::London;
        let utc = |d, h, m| Utc.with_ymd_and_hms(2026, 7, d, h, m, 0).unwrap();
        // 09:00 BST check-in, 23:30 cut-off the same evening (22:30 UTC in summer).
        assert_eq!(
            first_cut_off_after(utc(1, 8, 0), london, at(23, 30)),
            Some(utc(1, 22, 30))
        );
        // A check-in after the cut-off runs to the next day's.
        assert_eq!(
            first_cut_off_after(utc(1, 22, 45), london, at(23, 30)),
            Some(utc(2, 22, 30))
        );
        // Sydney, south of the equator: 23:30 AEST is 13:30 UTC in July.
        assert_eq!(
            first_cut_off_after(utc(1, 0, 0), chrono_tz::Australia::Sydney, at(23, 30)),
            Some(utc(1, 13, 30))
        );
    }
}
