//! How a write becomes a record: what a create or a PUT stamps on it, and how each kind of
//! record the API writes is built from a checked body.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::json;
use uuid::Uuid;

use super::{Refusal, World};
use crate::records::{Checkin, FailedCheckin};
use crate::validate::{Checked, FieldError};
use crate::visitors::{APPROVAL_NOT_REQUIRED, SOURCE_ADMINISTRATOR, Visitor, invitation_code};

/// Who and when a write stamps on the record it makes.
#[derive(Debug)]
pub struct Stamp<'a> {
    pub id: i64,
    pub unique_id: Uuid,
    pub created_on: DateTime<Utc>,
    pub by: &'a str,
    pub now: DateTime<Utc>,
}

/// A kind of record the API writes.
pub trait Stored: Sized {
    const ENTITY: &'static str;
    fn table(world: &mut World) -> &mut BTreeMap<i64, Self>;
    fn next_id(world: &mut World) -> &mut i64;
    /// What a PUT keeps of the record it replaces.
    fn identity(&self) -> (Uuid, DateTime<Utc>);
    fn build(world: &World, stamp: &Stamp<'_>, body: &Checked) -> Result<Self, Refusal>;
}

impl Stored for Checkin {
    const ENTITY: &'static str = "Checkin";

    fn table(world: &mut World) -> &mut BTreeMap<i64, Self> {
        &mut world.checkins
    }

    fn next_id(world: &mut World) -> &mut i64 {
        &mut world.next_checkin_id
    }

    fn identity(&self) -> (Uuid, DateTime<Utc>) {
        (self.unique_id, self.created_on)
    }

    fn build(world: &World, stamp: &Stamp<'_>, body: &Checked) -> Result<Self, Refusal> {
        world.check_references(body)?;
        let business_id = body.int("BusinessId").unwrap_or_default();
        let from_time = body.instant("FromTime").unwrap_or(stamp.now);
        let to_time = body.instant("ToTime");
        if let Some(to) = to_time
            && to < from_time
        {
            return Err(Refusal::Invalid(vec![FieldError::new(
                "ToTime",
                "must be later than FromTime",
                json!(crate::records::utc(&to)),
            )]));
        }
        Ok(Checkin {
            id: stamp.id,
            unique_id: stamp.unique_id,
            business_id,
            coworker_id: body.int("CoworkerId"),
            from_time,
            to_time,
            from_time_local: body
                .local("FromTimeLocal")
                .or_else(|| world.local_time(business_id, from_time)),
            to_time_local: body
                .local("ToTimeLocal")
                .or_else(|| to_time.and_then(|t| world.local_time(business_id, t))),
            source: body
                .int("Source")
                .filter(|_| world.switches.stores_source)
                .unwrap_or(0),
            counts_towards_plan_limits: body.bool("CountsTowardsPlanLimits"),
            coworker_time_pass_guid: body.text("CoworkerTimePassGuid"),
            auto_checkout: body.bool("AutoCheckout"),
            last_activity: body.instant("LastActivity"),
            mac_addresses: body.text("MacAddresses"),
            teams_at_the_time_of_checkin: body.text("TeamsAtTheTimeOfCheckin"),
            tariff_at_the_time_of_checkin: body.text("TariffAtTheTimeOfCheckin"),
            validate_checkin_job_id: body.text("ValidateCheckinJobId"),
            system_id: body
                .text("SystemId")
                .filter(|_| world.switches.stores_system_id),
            created_on: stamp.created_on,
            updated_on: stamp.now,
            updated_by: stamp.by.to_owned(),
        })
    }
}

impl Stored for FailedCheckin {
    const ENTITY: &'static str = "FailedCheckin";

    fn table(world: &mut World) -> &mut BTreeMap<i64, Self> {
        &mut world.failed_checkins
    }

    fn next_id(world: &mut World) -> &mut i64 {
        &mut world.next_failed_id
    }

    fn identity(&self) -> (Uuid, DateTime<Utc>) {
        (self.unique_id, self.created_on)
    }

    fn build(world: &World, stamp: &Stamp<'_>, body: &Checked) -> Result<Self, Refusal> {
        world.check_references(body)?;
        let business_id = body.int("BusinessId").unwrap_or_default();
        let attempt = body.instant("CheckinAttemptTime").unwrap_or(stamp.now);
        Ok(FailedCheckin {
            id: stamp.id,
            unique_id: stamp.unique_id,
            business_id,
            coworker_id: body.int("CoworkerId"),
            checkin_attempt_time: attempt,
            checkin_attempt_time_local: body
                .local("CheckinAttemptTimeLocal")
                .or_else(|| world.local_time(business_id, attempt)),
            source: body.int("Source").unwrap_or(0),
            mac_addresses: body.text("MacAddresses"),
            teams_at_the_time_of_checkin: body.text("TeamsAtTheTimeOfCheckin"),
            tariff_at_the_time_of_checkin: body.text("TariffAtTheTimeOfCheckin"),
            description: body.text("Description"),
            system_id: body.text("SystemId"),
            created_on: stamp.created_on,
            updated_on: stamp.now,
            updated_by: stamp.by.to_owned(),
        })
    }
}

impl Stored for Visitor {
    const ENTITY: &'static str = "Visitor";

    fn table(world: &mut World) -> &mut BTreeMap<i64, Self> {
        &mut world.visitors
    }

    fn next_id(world: &mut World) -> &mut i64 {
        &mut world.next_visitor_id
    }

    fn identity(&self) -> (Uuid, DateTime<Utc>) {
        (self.unique_id, self.created_on)
    }

    fn build(world: &World, stamp: &Stamp<'_>, body: &Checked) -> Result<Self, Refusal> {
        world.check_references(body)?;
        let code = match body.text("VisitorCode") {
            Some(c) => c,
            // A new visitor gets a code; a PUT without one keeps none (a PUT replaces).
            None if body.int("Id").is_none() => {
                invitation_code(&mut StdRng::seed_from_u64(stamp.unique_id.as_u128() as u64))
            }
            None => String::new(),
        };
        let full_name = body.text("FullName").unwrap_or_default();
        if full_name.trim().is_empty() {
            return Err(Refusal::Invalid(vec![FieldError::new(
                "FullName",
                "is a required field",
                json!(full_name),
            )]));
        }
        Ok(Visitor {
            id: stamp.id,
            unique_id: stamp.unique_id,
            business_id: body.int("BusinessId").unwrap_or_default(),
            full_name,
            email: body.text("Email").unwrap_or_default(),
            expected_arrival: body.instant("ExpectedArrival").unwrap_or(stamp.now),
            coworker_id: body.int("CoworkerId"),
            visitor_source: body.int("VisitorSource").unwrap_or(SOURCE_ADMINISTRATOR),
            host_approval_status: body
                .int("HostApprovalStatus")
                .unwrap_or(APPROVAL_NOT_REQUIRED),
            visitor_code: code,
            checked_in_at: body.text("CheckedInAt"),
            notes: body.text("Notes"),
            customer_notes: body.text("CustomerNotes"),
            visit_reason: body.text("VisitReason"),
            company_name: body.text("CompanyName"),
            phone_number: body.text("PhoneNumber"),
            arrived: body.bool("Arrived").unwrap_or(false),
            arrival_date: body.instant("ArrivalDate"),
            departure_date: body.instant("DepartureDate"),
            notified: body.bool("Notified").unwrap_or(false),
            has_agreed_terms: body.bool("HasAgreedTerms").unwrap_or(false),
            check_in_now: body.bool("CheckInNow").unwrap_or(false),
            // Kept only with the switch, as for check-ins: whether Nexudus keeps it is [open].
            system_id: body
                .text("SystemId")
                .filter(|_| world.switches.stores_system_id),
            created_on: stamp.created_on,
            updated_on: stamp.now,
        })
    }
}
