//! The API's writes: each kind (who may make it, what its body holds, what it does), the shared
//! path of every POST and PUT, the envelope and the refusals.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::reads::record_id;
use super::{Shared, admit, message};
use crate::http::{HeaderMap, Response, StatusCode, json_response, method_not_allowed};
use crate::records::{Checkin, FailedCheckin};
use crate::validate::{self, CHECKIN_FIELDS, FAILED_CHECKIN_FIELDS, FieldError, ID_FIELD};
use crate::world::Refusal;
use crate::world::Switches;

// ---- writes --------------------------------------------------------------------------------

/// The success envelope, as in the seeds.
pub(super) fn envelope(
    entity: &str,
    verb: &str,
    id: i64,
    by: &str,
    now: DateTime<Utc>,
) -> Response {
    json_response(
        StatusCode::OK,
        &json!({
            "Status": 200,
            "Message": format!("{entity} was successfully {verb}."),
            "Value": { "Id": id },
            "OpenInDialog": false,
            "OpenInWindow": false,
            "RedirectURL": null,
            "JavaScript": null,
            "UpdatedOn": crate::records::utc(&now),
            "UpdatedBy": by,
            "Errors": null,
            "WasSuccessful": true,
        }),
    )
}

pub(super) fn refusal(r: Refusal, switches: &Switches) -> Response {
    match r {
        Refusal::Invalid(errors) => {
            json_response(StatusCode::BAD_REQUEST, &validate::error_body(&errors))
        }
        Refusal::Rule(errors) if switches.rule_refusals_as_400 => {
            json_response(StatusCode::BAD_REQUEST, &validate::error_body(&errors))
        }
        Refusal::Rule(errors) => {
            let mut body = validate::error_body(&errors);
            body["Status"] = json!(200);
            json_response(StatusCode::OK, &body)
        }
    }
}

/// One kind of write: who may make it, what its body holds, and what it does.
pub(super) struct WriteKind {
    role: &'static str,
    fields: &'static [validate::Field],
    put: bool,
    entity: &'static str,
    apply: fn(
        &mut crate::world::World,
        &validate::Checked,
        &str,
        DateTime<Utc>,
    ) -> Result<i64, Refusal>,
}

pub(super) const CREATE_CHECKIN: WriteKind = WriteKind {
    role: "Checkin-Create",
    fields: CHECKIN_FIELDS,
    put: false,
    entity: "Checkin",
    apply: crate::world::World::create_checkin,
};
pub(super) const UPDATE_CHECKIN: WriteKind = WriteKind {
    role: "Checkin-Edit",
    fields: CHECKIN_FIELDS,
    put: true,
    entity: "Checkin",
    apply: crate::world::World::update::<Checkin>,
};
pub(super) const CREATE_FAILED: WriteKind = WriteKind {
    role: "FailedCheckin-Create",
    fields: FAILED_CHECKIN_FIELDS,
    put: false,
    entity: "FailedCheckin",
    apply: crate::world::World::create::<FailedCheckin>,
};
pub(super) const UPDATE_FAILED: WriteKind = WriteKind {
    role: "FailedCheckin-Edit",
    fields: FAILED_CHECKIN_FIELDS,
    put: true,
    entity: "FailedCheckin",
    apply: crate::world::World::update::<FailedCheckin>,
};

pub(super) const CREATE_VISITOR: WriteKind = WriteKind {
    role: "Visitor-Create",
    fields: crate::visitors::VISITOR_FIELDS,
    put: false,
    entity: "Visitor",
    apply: crate::world::World::create::<crate::visitors::Visitor>,
};
pub(super) const UPDATE_VISITOR: WriteKind = WriteKind {
    role: "Visitor-Edit",
    fields: crate::visitors::VISITOR_FIELDS,
    put: true,
    entity: "Visitor",
    apply: crate::world::World::update::<crate::visitors::Visitor>,
};

pub(super) const CREATE_COWORKER: WriteKind = WriteKind {
    role: "Coworker-Create",
    fields: crate::world::COWORKER_FIELDS,
    put: false,
    entity: "Coworker",
    apply: crate::world::World::create_coworker,
};
pub(super) const CREATE_CONTRACT: WriteKind = WriteKind {
    role: "CoworkerContract-Create",
    fields: crate::world::CONTRACT_FIELDS,
    put: false,
    entity: "CoworkerContract",
    apply: crate::world::World::create_contract,
};
pub(super) const CREATE_PASSES: WriteKind = WriteKind {
    role: "CoworkerTimePass-Create",
    fields: crate::passes::PASS_FIELDS,
    put: false,
    entity: "CoworkerTimePass",
    apply: crate::world::World::create_time_passes,
};

/// The shared path of every POST and PUT: admit, read JSON, check fields, apply, answer.
pub(super) fn write(sim: &Shared, headers: &HeaderMap, body: &Bytes, kind: &WriteKind) -> Response {
    let WriteKind {
        role,
        fields,
        put,
        entity,
        apply,
    } = *kind;
    let mut st = sim.lock();
    let caller = match admit(&mut st, headers, role, true) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if entity == "FailedCheckin" && !put && st.world.switches.failed_checkins_read_only {
        // "Read-only and generated automatically by the system" [doc].
        return method_not_allowed();
    }
    let switches = st.world.switches.clone();
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return refusal(
            Refusal::Invalid(vec![FieldError::new(
                "Body",
                "is not valid JSON",
                Value::Null,
            )]),
            &switches,
        );
    };
    let checked = match validate::check(&json, fields, put.then_some(ID_FIELD)) {
        Ok(c) => c,
        Err(errors) => return refusal(Refusal::Invalid(errors), &switches),
    };
    let now = st.now();
    match apply(&mut st.world, &checked, &caller.email, now) {
        Ok(id) => envelope(
            entity,
            if put { "updated" } else { "created" },
            id,
            &caller.email,
            now,
        ),
        Err(r) => refusal(r, &switches),
    }
}

pub(super) fn delete_checkin(sim: &Shared, headers: &HeaderMap, id: &str) -> Response {
    let mut st = sim.lock();
    let caller = match admit(&mut st, headers, "Checkin-Delete", true) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let now = st.now();
    match record_id(id).and_then(|id| st.world.checkins.remove(&id)) {
        Some(c) => {
            st.world.index_cut_off(c.id);
            envelope("Checkin", "deleted", c.id, &caller.email, now)
        }
        None => message(StatusCode::NOT_FOUND, "Checkin not found"),
    }
}
