//! The API's reads: paged search (filters, ranges, ordering, the paging envelope), the lists,
//! the batch read of members, and one record by Id.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{Shared, admit, message};
use crate::http::{HeaderMap, Response, StatusCode, json_response};
use crate::records::{Contract, Shape};
use crate::validate::{self, FieldError};
use crate::world::World;

// ---- paged search --------------------------------------------------------------------------

/// Query parameters of a list, with typed readers that fail as a 400 naming the parameter.
pub(super) struct Params(HashMap<String, String>);

impl Params {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    fn int(&self, name: &str) -> Result<Option<i64>, FieldError> {
        self.get(name)
            .map(|v| {
                v.trim()
                    .parse()
                    .map_err(|_| FieldError::new(name, "is not a valid integer", json!(v)))
            })
            .transpose()
    }

    fn bool(&self, name: &str) -> Result<Option<bool>, FieldError> {
        self.get(name)
            .map(|v| {
                v.trim()
                    .to_ascii_lowercase()
                    .parse()
                    .map_err(|_| FieldError::new(name, "is not a valid boolean", json!(v)))
            })
            .transpose()
    }

    fn time(&self, name: &str) -> Result<Option<DateTime<Utc>>, FieldError> {
        self.get(name)
            .map(|v| {
                validate::parse_instant(v.trim())
                    .ok_or_else(|| FieldError::new(name, "is not a valid date", json!(v)))
            })
            .transpose()
    }

    /// `from_X` / `to_X` as an inclusive range check.
    fn range(
        &self,
        field: &str,
    ) -> Result<impl Fn(Option<DateTime<Utc>>) -> bool + use<>, FieldError> {
        let from = self.time(&format!("from_{field}"))?;
        let to = self.time(&format!("to_{field}"))?;
        Ok(move |t: Option<DateTime<Utc>>| match (from, to) {
            (None, None) => true,
            _ => t.is_some_and(|t| from.is_none_or(|f| t >= f) && to.is_none_or(|e| t <= e)),
        })
    }

    /// A string filter: the whole value (`exact`), or any value containing it.
    fn string_filter(&self, name: &str, exact: bool) -> impl Fn(Option<&str>) -> bool + use<> {
        let contains = self.contains(name);
        let whole = self.get(name).map(str::to_lowercase);
        move |v| {
            if exact {
                whole
                    .as_ref()
                    .is_none_or(|w| v.is_some_and(|v| v.to_lowercase() == *w))
            } else {
                contains(v)
            }
        }
    }

    fn contains(&self, name: &str) -> impl Fn(Option<&str>) -> bool + use<> {
        let needle = self.get(name).map(str::to_lowercase);
        move |v| {
            needle
                .as_ref()
                .is_none_or(|n| v.is_some_and(|v| v.to_lowercase().contains(n.as_str())))
        }
    }
}

pub(super) fn bad_params(error: FieldError) -> Response {
    json_response(StatusCode::BAD_REQUEST, &validate::error_body(&[error]))
}

/// Orders, pages and wraps records (given in Id order) in the paging envelope.
pub(super) fn paged<T>(
    rows: Vec<&T>,
    params: &Params,
    to_json: impl Fn(&T) -> Value,
) -> Result<Value, FieldError> {
    let page = params.int("page")?.unwrap_or(1).max(1) as usize;
    let size = params.int("size")?.map_or(25, |s| s.clamp(1, 1000)) as usize;
    let order = params.get("orderBy").unwrap_or("Id").to_owned();
    let descending = match params.get("dir").map(str::to_ascii_lowercase).as_deref() {
        None | Some("ascending" | "asc" | "1" | "0") => false,
        Some("descending" | "desc" | "-1") => true,
        Some(other) => {
            return Err(FieldError::new(
                "dir",
                "is not a valid sort direction",
                json!(other),
            ));
        }
    };
    let total = rows.len();
    let start = (page - 1) * size;
    let records: Vec<Value> = if order.eq_ignore_ascii_case("Id") {
        let mut rows = rows;
        if descending {
            rows.reverse();
        }
        rows.into_iter()
            .skip(start)
            .take(size)
            .map(&to_json)
            .collect()
    } else {
        let mut all: Vec<Value> = rows.into_iter().map(&to_json).collect();
        all.sort_by(|a, b| {
            let o = compare(&a[order.as_str()], &b[order.as_str()]);
            if descending { o.reverse() } else { o }
        });
        all.into_iter().skip(start).take(size).collect()
    };
    let pages = total.div_ceil(size);
    Ok(json!({
        "Records": records,
        "CurrentPage": page,
        "CurrentPageSize": size,
        "CurrentOrderField": order,
        // A number, as the current reference has it: 1 ascending, -1 descending.
        "CurrentSortDirection": if descending { -1 } else { 1 },
        "FirstItem": if start < total { start + 1 } else { 0 },
        "LastItem": (start + size).min(total),
        "TotalItems": total,
        "TotalPages": pages,
        "HasNextPage": page < pages,
        "HasPreviousPage": page > 1,
    }))
}

/// Orders JSON values: null first, then numbers, then text (case-insensitive), then the rest.
pub(super) fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .unwrap_or_default()
            .partial_cmp(&y.as_f64().unwrap_or_default())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => a.to_string().cmp(&b.to_string()),
    }
}

pub(super) fn list_response(result: Result<Value, FieldError>) -> Response {
    match result {
        Ok(body) => json_response(StatusCode::OK, &body),
        Err(e) => bad_params(e),
    }
}

pub(super) fn list_coworkers(
    sim: &Shared,
    headers: &HeaderMap,
    query: HashMap<String, String>,
) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "Coworker-List", false) {
        return r;
    }
    let p = Params(query);
    let run = || -> Result<Value, FieldError> {
        let name = p.contains("Coworker_FullName");
        let email = p.contains("Coworker_Email");
        let company = p.contains("Coworker_CompanyName");
        let pin = p.string_filter(
            "Coworker_AccessPincode",
            st.world.switches.exact_string_filters,
        );
        let active = p.bool("Coworker_Active")?;
        let home = p.int("Coworker_InvoicingBusiness")?;
        let updated = p.range("Coworker_UpdatedOn")?;
        let created = p.range("Coworker_CreatedOn")?;
        let rows = st
            .world
            .coworkers
            .values()
            .filter(|c| {
                name(Some(&c.full_name))
                    && email(Some(&c.email))
                    && company(c.company_name.as_deref())
                    && pin(c.access_pincode.as_deref())
                    && active.is_none_or(|a| c.active == a)
                    && home.is_none_or(|h| c.invoicing_business_id == h)
                    && updated(Some(c.updated_on))
                    && created(Some(c.created_on))
            })
            .collect();
        paged(rows, &p, |c| st.world.coworker_json(c, Shape::List))
    };
    list_response(run())
}

pub(super) fn list_checkins(
    sim: &Shared,
    headers: &HeaderMap,
    query: HashMap<String, String>,
) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "Checkin-List", false) {
        return r;
    }
    let p = Params(query);
    let run = || -> Result<Value, FieldError> {
        let coworker = p.int("Checkin_Coworker")?;
        let business = p.int("Checkin_Business")?;
        let source = p.int("Checkin_Source")?;
        let system_id = p.get("Checkin_SystemId").map(str::to_owned);
        let from = p.range("Checkin_FromTime")?;
        let to = p.range("Checkin_ToTime")?;
        let updated = p.range("Checkin_UpdatedOn")?;
        let rows = st
            .world
            .checkins
            .values()
            .filter(|c| {
                coworker.is_none_or(|v| c.coworker_id == Some(v))
                    && business.is_none_or(|v| c.business_id == v)
                    && source.is_none_or(|v| c.source == v)
                    && system_id
                        .as_ref()
                        .is_none_or(|v| c.system_id.as_ref() == Some(v))
                    && from(Some(c.from_time))
                    && to(c.to_time)
                    && updated(Some(c.updated_on))
            })
            .collect();
        paged(rows, &p, |c| st.world.checkin_json(c))
    };
    list_response(run())
}

pub(super) fn list_failed(
    sim: &Shared,
    headers: &HeaderMap,
    query: HashMap<String, String>,
) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "FailedCheckin-List", false) {
        return r;
    }
    let p = Params(query);
    let run = || -> Result<Value, FieldError> {
        let coworker = p.int("FailedCheckin_Coworker")?;
        let business = p.int("FailedCheckin_Business")?;
        let system_id = p.get("FailedCheckin_SystemId").map(str::to_owned);
        let attempt = p.range("FailedCheckin_CheckinAttemptTime")?;
        let rows = st
            .world
            .failed_checkins
            .values()
            .filter(|f| {
                coworker.is_none_or(|v| f.coworker_id == Some(v))
                    && business.is_none_or(|v| f.business_id == v)
                    && system_id
                        .as_ref()
                        .is_none_or(|v| f.system_id.as_ref() == Some(v))
                    && attempt(Some(f.checkin_attempt_time))
            })
            .collect();
        paged(rows, &p, |f| st.world.failed_json(f))
    };
    list_response(run())
}

/// `GET /api/spaces/coworkers/?id=[1,2,3]`: whole records, as one-record answers have them.
pub(super) fn batch_coworkers(
    sim: &Shared,
    headers: &HeaderMap,
    query: HashMap<String, String>,
) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "Coworker-Read", false) {
        return r;
    }
    let mut query = query;
    let raw = query.remove("id").unwrap_or_default();
    let ids: Result<Vec<i64>, _> = raw
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse::<i64>())
        .collect();
    let Ok(ids) = ids else {
        return bad_params(FieldError::new(
            "id",
            "is not a list of integers",
            json!(raw),
        ));
    };
    let records: Vec<Value> = ids
        .iter()
        .filter_map(|id| st.world.coworkers.get(id))
        .map(|c| st.world.coworker_json(c, Shape::Batch))
        .collect();
    json_response(StatusCode::OK, &Value::Array(records))
}

/// A GET with a query string: the lists and the batch read.
pub(super) trait ListHandler:
    Fn(&Shared, &HeaderMap, HashMap<String, String>) -> Response
{
}
impl<F: Fn(&Shared, &HeaderMap, HashMap<String, String>) -> Response> ListHandler for F {}

/// A list with no filters of its own: every record of one kind, paged.
pub(super) fn list_every<T>(
    role: &'static str,
    rows: fn(&World) -> &[T],
    to_json: fn(&T) -> Value,
) -> impl Fn(&Shared, &HeaderMap, HashMap<String, String>) -> Response {
    move |sim, headers, query| {
        let mut st = sim.lock();
        if let Err(r) = admit(&mut st, headers, role, false) {
            return r;
        }
        list_response(paged(
            rows(&st.world).iter().collect(),
            &Params(query),
            to_json,
        ))
    }
}

pub(super) fn list_visitors(
    sim: &Shared,
    headers: &HeaderMap,
    query: HashMap<String, String>,
) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "Visitor-List", false) {
        return r;
    }
    let p = Params(query);
    let run = || -> Result<Value, FieldError> {
        let business = p.int("Visitor_Business")?;
        let code = p.string_filter(
            "Visitor_VisitorCode",
            st.world.switches.exact_string_filters,
        );
        let email = p.string_filter("Visitor_Email", st.world.switches.exact_string_filters);
        let system_id = p.get("Visitor_SystemId").map(str::to_owned);
        let expected = p.range("Visitor_ExpectedArrival")?;
        let rows = st
            .world
            .visitors
            .values()
            .filter(|v| {
                business.is_none_or(|b| v.business_id == b)
                    && code(Some(&v.visitor_code))
                    && email(Some(&v.email))
                    && system_id
                        .as_ref()
                        .is_none_or(|s| v.system_id.as_ref() == Some(s))
                    && expected(Some(v.expected_arrival))
            })
            .collect();
        paged(rows, &p, |v| st.world.visitor_json(v))
    };
    list_response(run())
}

pub(super) fn get_visitor(sim: &Shared, headers: &HeaderMap, id: &str) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "Visitor-Read", false) {
        return r;
    }
    match record_id(id).and_then(|id| st.world.visitors.get(&id)) {
        Some(v) => json_response(StatusCode::OK, &st.world.visitor_json(v)),
        None => message(StatusCode::NOT_FOUND, "Visitor not found"),
    }
}

pub(super) fn get_time_zone(sim: &Shared, headers: &HeaderMap, id: &str) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "SimpleTimeZone-Read", false) {
        return r;
    }
    match record_id(id).and_then(|id| st.world.time_zones.iter().find(|z| z.id == id)) {
        Some(zone) => json_response(StatusCode::OK, &zone.to_json()),
        None => message(StatusCode::NOT_FOUND, "SimpleTimeZone not found"),
    }
}

pub(super) fn list_contracts(
    sim: &Shared,
    headers: &HeaderMap,
    query: HashMap<String, String>,
) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "CoworkerContract-List", false) {
        return r;
    }
    let p = Params(query);
    let run = || -> Result<Value, FieldError> {
        let coworker = p.int("CoworkerContract_Coworker")?;
        let active = p.bool("CoworkerContract_Active")?;
        let mut rows: Vec<_> = st
            .world
            .contracts
            .iter()
            .filter(|c| {
                coworker.is_none_or(|v| c.coworker_id == v) && active.is_none_or(|v| c.active == v)
            })
            .collect();
        rows.sort_by_key(|c| c.id);
        paged(rows, &p, Contract::to_json)
    };
    list_response(run())
}

/// `GET /api/billing/coworkertimepasses`: customers' passes, by customer, location and whether
/// used [doc: the filters].
pub(super) fn list_passes(
    sim: &Shared,
    headers: &HeaderMap,
    query: HashMap<String, String>,
) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "CoworkerTimePass-List", false) {
        return r;
    }
    let p = Params(query);
    let run = || -> Result<Value, FieldError> {
        let coworker = p.int("CoworkerTimePass_Coworker")?;
        let business = p.int("CoworkerTimePass_Business")?;
        let used = p.bool("CoworkerTimePass_Used")?;
        let used_in = p.range("CoworkerTimePass_UsedDate")?;
        let rows: Vec<_> = st
            .world
            .passes
            .values()
            .filter(|c| {
                coworker.is_none_or(|v| c.coworker_id == v)
                    && business.is_none_or(|v| c.business_id == v)
                    && used.is_none_or(|v| c.used == v)
                    && used_in(c.used_date)
            })
            .collect();
        paged(rows, &p, crate::passes::CoworkerTimePass::to_json)
    };
    list_response(run())
}

pub(super) fn get_pass(sim: &Shared, headers: &HeaderMap, id: &str) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "CoworkerTimePass-Read", false) {
        return r;
    }
    match record_id(id).and_then(|id| st.world.passes.get(&id)) {
        Some(p) => json_response(StatusCode::OK, &p.to_json()),
        None => message(StatusCode::NOT_FOUND, "CoworkerTimePass not found"),
    }
}

// ---- one record ----------------------------------------------------------------------------

pub(super) fn record_id(raw: &str) -> Option<i64> {
    raw.trim().parse().ok()
}

pub(super) fn get_coworker(sim: &Shared, headers: &HeaderMap, id: &str) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "Coworker-Read", false) {
        return r;
    }
    match record_id(id).and_then(|id| st.world.coworkers.get(&id)) {
        Some(c) => json_response(StatusCode::OK, &st.world.coworker_json(c, Shape::One)),
        None => message(StatusCode::NOT_FOUND, "Coworker not found"),
    }
}

pub(super) fn get_checkin(sim: &Shared, headers: &HeaderMap, id: &str) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "Checkin-Read", false) {
        return r;
    }
    match record_id(id).and_then(|id| st.world.checkins.get(&id)) {
        Some(c) => json_response(StatusCode::OK, &st.world.checkin_json(c)),
        None => message(StatusCode::NOT_FOUND, "Checkin not found"),
    }
}

pub(super) fn get_failed(sim: &Shared, headers: &HeaderMap, id: &str) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "FailedCheckin-Read", false) {
        return r;
    }
    match record_id(id).and_then(|id| st.world.failed_checkins.get(&id)) {
        Some(f) => json_response(StatusCode::OK, &st.world.failed_json(f)),
        None => message(StatusCode::NOT_FOUND, "FailedCheckin not found"),
    }
}
