//! The API's routes: auth, roles, throttling, validation, paging and injected faults.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::Sim;
use crate::http::{
    HeaderMap, Method, Request, Response, StatusCode, header, json_response, method_not_allowed,
};
use crate::records::{Business, Checkin, Contract, FailedCheckin, Shape, SimpleTimeZone, Team};
use crate::state::{Grant, RequestRecord, SimState, Switches};
use crate::validate::{self, CHECKIN_FIELDS, FAILED_CHECKIN_FIELDS, FieldError, ID_FIELD};
use crate::world::{Refusal, World};

type Shared = Arc<Sim>;

/// The API's routes: the handler for the request's method and path, or `None` for a path the
/// API does not have.
pub(crate) fn route(sim: &Shared, req: &Request) -> Option<Response> {
    let m = &req.method;
    let h = &req.headers;
    let with_query = |handler: &dyn ListHandler| match req.query_map() {
        Ok(q) => handler(sim, h, q),
        Err(why) => crate::http::text(StatusCode::BAD_REQUEST, &why),
    };
    let response = match req.path.as_str() {
        "/api/token" => match *m {
            Method::POST => token(sim, h, &req.body),
            _ => method_not_allowed(),
        },
        "/api/spaces/coworkers" => only_get(m, || with_query(&list_coworkers)),
        "/api/spaces/coworkers/" => only_get(m, || with_query(&batch_coworkers)),
        "/api/spaces/checkins" => match *m {
            Method::GET => with_query(&list_checkins),
            Method::POST => write(sim, h, &req.body, &CREATE_CHECKIN),
            Method::PUT => write(sim, h, &req.body, &UPDATE_CHECKIN),
            _ => method_not_allowed(),
        },
        "/api/spaces/failedcheckins" => match *m {
            Method::GET => with_query(&list_failed),
            Method::POST => write(sim, h, &req.body, &CREATE_FAILED),
            Method::PUT => write(sim, h, &req.body, &UPDATE_FAILED),
            _ => method_not_allowed(),
        },
        "/api/spaces/visitors" => match *m {
            Method::GET => with_query(&list_visitors),
            Method::POST => write(sim, h, &req.body, &CREATE_VISITOR),
            Method::PUT => write(sim, h, &req.body, &UPDATE_VISITOR),
            _ => method_not_allowed(),
        },
        "/api/spaces/teams" => only_get(m, || {
            with_query(&list_every("Team-List", |w| &w.teams, Team::to_json))
        }),
        "/api/billing/coworkercontracts" => only_get(m, || with_query(&list_contracts)),
        "/api/sys/businesses" => only_get(m, || {
            with_query(&list_every(
                "Business-List",
                |w| &w.businesses,
                Business::to_json,
            ))
        }),
        "/api/sys/simpletimezones" => only_get(m, || {
            with_query(&list_every(
                "SimpleTimeZone-List",
                |w| &w.time_zones,
                SimpleTimeZone::to_json,
            ))
        }),
        _ => {
            if let Some(id) = req.tail("/api/spaces/coworkers/") {
                only_get(m, || get_coworker(sim, h, id))
            } else if let Some(id) = req.tail("/api/spaces/checkins/") {
                match *m {
                    Method::GET => get_checkin(sim, h, id),
                    Method::DELETE => delete_checkin(sim, h, id),
                    _ => method_not_allowed(),
                }
            } else if let Some(id) = req.tail("/api/spaces/failedcheckins/") {
                only_get(m, || get_failed(sim, h, id))
            } else if let Some(id) = req.tail("/api/spaces/visitors/") {
                only_get(m, || get_visitor(sim, h, id))
            } else if let Some(id) = req.tail("/api/sys/simpletimezones/") {
                only_get(m, || get_time_zone(sim, h, id))
            } else {
                return None;
            }
        }
    };
    Some(response)
}

fn only_get(method: &Method, handler: impl FnOnce() -> Response) -> Response {
    if *method == Method::GET {
        handler()
    } else {
        method_not_allowed()
    }
}

fn message(status: StatusCode, text: &str) -> Response {
    json_response(status, &json!({ "Message": text }))
}

pub(crate) fn not_found() -> Response {
    message(
        StatusCode::NOT_FOUND,
        "No HTTP resource was found that matches the request URI.",
    )
}

// ---- faults and the request log ------------------------------------------------------------

/// Serves one request: the faults it draws (latency, a reset, a 500, an answer dropped after
/// the write, a truncated answer), the request log, and the handler `handle` picks.
pub(crate) async fn faults_and_log(
    sim: Shared,
    request: Request,
    handle: impl FnOnce(&Shared, &Request) -> Response,
) -> Response {
    let method = request.method.clone();
    let path = request.path.clone();
    let query = request.query.clone();
    let faultable = path.starts_with("/api/spaces/");
    let write = method != Method::GET;
    let kill = request.kill.clone();

    // Keep the JSON body of API writes for the log (the token form has a password: never kept).
    let body = if faultable && write {
        serde_json::from_slice::<Value>(&request.body).ok()
    } else {
        None
    };

    let (latency, reset, error) = {
        let mut st = sim.lock();
        let f = st.faults.clone();
        let reset = st.outage || (faultable && st.draw(f.reset_rate));
        let error = faultable && !reset && st.draw(f.error_rate);
        (if faultable { f.latency_ms } else { 0 }, reset, error)
    };
    let log = |status: u16, fault: Option<&str>, body: Option<Value>| {
        let mut st = sim.lock();
        let at = st.now();
        st.record(RequestRecord {
            at,
            method: method.to_string(),
            path: path.clone(),
            query: query.clone(),
            status,
            fault: fault.map(str::to_owned),
            body,
        });
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    if reset && let Some(kill) = &kill {
        log(0, Some("reset"), body);
        kill.kill(true);
        return std::future::pending().await;
    }
    if error {
        log(500, Some("error"), body);
        return message(StatusCode::INTERNAL_SERVER_ERROR, "An error has occurred.");
    }

    let response = handle(&sim, &request);
    let status = response.status();
    let (dropped, malformed) = {
        let mut st = sim.lock();
        let f = st.faults.clone();
        let dropped = faultable
            && write
            && status == StatusCode::OK
            && kill.is_some()
            && st.draw(f.drop_rate);
        let malformed = faultable && !dropped && st.draw(f.malformed_rate);
        (dropped, malformed)
    };
    if dropped {
        log(status.as_u16(), Some("drop"), body);
        if let Some(kill) = &kill {
            kill.kill(false);
        }
        return std::future::pending().await;
    }
    if malformed {
        log(status.as_u16(), Some("malformed"), body);
        let (parts, original) = response.into_parts();
        let bytes = http_body_util::BodyExt::collect(original)
            .await
            .map(http_body_util::Collected::to_bytes)
            .unwrap_or_default();
        let cut = bytes.slice(..bytes.len() / 2);
        let mut broken = hyper::Response::from_parts(parts, http_body_util::Full::new(cut));
        broken.headers_mut().remove(header::CONTENT_LENGTH);
        return broken;
    }
    log(status.as_u16(), None, body);
    response
}

// ---- auth, roles, throttle -----------------------------------------------------------------

/// Who is calling, once admitted.
struct Caller {
    email: String,
}

/// Checks the bearer token (401), the role (401 too: Nexudus answers 401 "when authentication
/// fails or the account does not have permission for the requested resource") and the throttle
/// (409), in that order.
#[allow(
    clippy::result_large_err,
    reason = "the refusal is the response itself, built once per request"
)]
fn admit(
    st: &mut SimState,
    headers: &HeaderMap,
    role: &str,
    write: bool,
) -> Result<Caller, Response> {
    let denied = || {
        message(
            StatusCode::UNAUTHORIZED,
            "Authorization has been denied for this request.",
        )
    };
    // The server's daily cut-off has run by the time any call is answered.
    let now = st.now();
    st.world.apply_cut_offs(now);
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .ok_or_else(denied)?;
    let now = st.now();
    let grant = st
        .auth
        .bearer(token.trim(), now)
        .cloned()
        .ok_or_else(denied)?;
    let user = &st.auth.users[grant.user];
    if !user.has_role(role) {
        return Err(denied());
    }
    let email = user.email.clone();
    if !st
        .throttle
        .admit(&grant.client, write, crate::http::arrival(headers))
    {
        // As Nexudus answers it: 409, `Retry-After: 1`, and no body at all.
        let mut r = crate::http::empty(StatusCode::CONFLICT);
        r.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        return Err(r);
    }
    Ok(Caller { email })
}

fn token(sim: &Shared, headers: &HeaderMap, body: &Bytes) -> Response {
    let refused = |error: &str, description: &str| {
        json_response(
            StatusCode::BAD_REQUEST,
            &json!({ "error": error, "error_description": description }),
        )
    };
    let form_encoded = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form_encoded {
        return refused(
            "unsupported_grant_type",
            "The body must be application/x-www-form-urlencoded.",
        );
    }
    let Ok(form) = serde_urlencoded::from_bytes::<HashMap<String, String>>(body) else {
        return refused("unsupported_grant_type", "The body cannot be read.");
    };
    // Nexudus reads the client id from a header; a form field of that name is not read.
    let client_id = headers
        .get("client_id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    let mut st = sim.lock();
    let now = st.now();
    let grant = match form.get("grant_type").map(String::as_str) {
        Some("password") => st.auth.password_grant(&form, client_id, now),
        Some("refresh_token") => st.auth.refresh_grant(&form, client_id, now),
        _ => return refused("unsupported_grant_type", "The grant type is not supported."),
    };
    match grant {
        Grant::Issued {
            access,
            refresh,
            expires_in,
        } => json_response(
            StatusCode::OK,
            &json!({
                "access_token": access,
                "token_type": "bearer",
                "expires_in": expires_in,
                "refresh_token": refresh,
            }),
        ),
        Grant::Refused { error, description } => refused(error, description),
    }
}

// ---- paged search --------------------------------------------------------------------------

/// Query parameters of a list, with typed readers that fail as a 400 naming the parameter.
struct Params(HashMap<String, String>);

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

fn bad_params(error: FieldError) -> Response {
    json_response(StatusCode::BAD_REQUEST, &validate::error_body(&[error]))
}

/// Orders, pages and wraps records (given in Id order) in the paging envelope.
fn paged<T>(
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
fn compare(a: &Value, b: &Value) -> Ordering {
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

fn list_response(result: Result<Value, FieldError>) -> Response {
    match result {
        Ok(body) => json_response(StatusCode::OK, &body),
        Err(e) => bad_params(e),
    }
}

fn list_coworkers(sim: &Shared, headers: &HeaderMap, query: HashMap<String, String>) -> Response {
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

fn list_checkins(sim: &Shared, headers: &HeaderMap, query: HashMap<String, String>) -> Response {
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

fn list_failed(sim: &Shared, headers: &HeaderMap, query: HashMap<String, String>) -> Response {
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
fn batch_coworkers(sim: &Shared, headers: &HeaderMap, query: HashMap<String, String>) -> Response {
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
trait ListHandler: Fn(&Shared, &HeaderMap, HashMap<String, String>) -> Response {}
impl<F: Fn(&Shared, &HeaderMap, HashMap<String, String>) -> Response> ListHandler for F {}

/// A list with no filters of its own: every record of one kind, paged.
fn list_every<T>(
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

fn list_visitors(sim: &Shared, headers: &HeaderMap, query: HashMap<String, String>) -> Response {
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
        let expected = p.range("Visitor_ExpectedArrival")?;
        let rows = st
            .world
            .visitors
            .values()
            .filter(|v| {
                business.is_none_or(|b| v.business_id == b)
                    && code(Some(&v.visitor_code))
                    && expected(Some(v.expected_arrival))
            })
            .collect();
        paged(rows, &p, |v| st.world.visitor_json(v))
    };
    list_response(run())
}

fn get_visitor(sim: &Shared, headers: &HeaderMap, id: &str) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "Visitor-Read", false) {
        return r;
    }
    match record_id(id).and_then(|id| st.world.visitors.get(&id)) {
        Some(v) => json_response(StatusCode::OK, &st.world.visitor_json(v)),
        None => message(StatusCode::NOT_FOUND, "Visitor not found"),
    }
}

fn get_time_zone(sim: &Shared, headers: &HeaderMap, id: &str) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "SimpleTimeZone-Read", false) {
        return r;
    }
    match record_id(id).and_then(|id| st.world.time_zones.iter().find(|z| z.id == id)) {
        Some(zone) => json_response(StatusCode::OK, &zone.to_json()),
        None => message(StatusCode::NOT_FOUND, "SimpleTimeZone not found"),
    }
}

fn list_contracts(sim: &Shared, headers: &HeaderMap, query: HashMap<String, String>) -> Response {
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

// ---- one record ----------------------------------------------------------------------------

fn record_id(raw: &str) -> Option<i64> {
    raw.trim().parse().ok()
}

fn get_coworker(sim: &Shared, headers: &HeaderMap, id: &str) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "Coworker-Read", false) {
        return r;
    }
    match record_id(id).and_then(|id| st.world.coworkers.get(&id)) {
        Some(c) => json_response(StatusCode::OK, &st.world.coworker_json(c, Shape::One)),
        None => message(StatusCode::NOT_FOUND, "Coworker not found"),
    }
}

fn get_checkin(sim: &Shared, headers: &HeaderMap, id: &str) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "Checkin-Read", false) {
        return r;
    }
    match record_id(id).and_then(|id| st.world.checkins.get(&id)) {
        Some(c) => json_response(StatusCode::OK, &st.world.checkin_json(c)),
        None => message(StatusCode::NOT_FOUND, "Checkin not found"),
    }
}

fn get_failed(sim: &Shared, headers: &HeaderMap, id: &str) -> Response {
    let mut st = sim.lock();
    if let Err(r) = admit(&mut st, headers, "FailedCheckin-Read", false) {
        return r;
    }
    match record_id(id).and_then(|id| st.world.failed_checkins.get(&id)) {
        Some(f) => json_response(StatusCode::OK, &st.world.failed_json(f)),
        None => message(StatusCode::NOT_FOUND, "FailedCheckin not found"),
    }
}

// ---- writes --------------------------------------------------------------------------------

/// The success envelope, as in the seeds.
fn envelope(entity: &str, verb: &str, id: i64, by: &str, now: DateTime<Utc>) -> Response {
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

fn refusal(r: Refusal, switches: &Switches) -> Response {
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
struct WriteKind {
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

const CREATE_CHECKIN: WriteKind = WriteKind {
    role: "Checkin-Create",
    fields: CHECKIN_FIELDS,
    put: false,
    entity: "Checkin",
    apply: crate::world::World::create_checkin,
};
const UPDATE_CHECKIN: WriteKind = WriteKind {
    role: "Checkin-Edit",
    fields: CHECKIN_FIELDS,
    put: true,
    entity: "Checkin",
    apply: crate::world::World::update::<Checkin>,
};
const CREATE_FAILED: WriteKind = WriteKind {
    role: "FailedCheckin-Create",
    fields: FAILED_CHECKIN_FIELDS,
    put: false,
    entity: "FailedCheckin",
    apply: crate::world::World::create::<FailedCheckin>,
};
const UPDATE_FAILED: WriteKind = WriteKind {
    role: "FailedCheckin-Edit",
    fields: FAILED_CHECKIN_FIELDS,
    put: true,
    entity: "FailedCheckin",
    apply: crate::world::World::update::<FailedCheckin>,
};

const CREATE_VISITOR: WriteKind = WriteKind {
    role: "Visitor-Create",
    fields: crate::visitors::VISITOR_FIELDS,
    put: false,
    entity: "Visitor",
    apply: crate::world::World::create::<crate::visitors::Visitor>,
};
const UPDATE_VISITOR: WriteKind = WriteKind {
    role: "Visitor-Edit",
    fields: crate::visitors::VISITOR_FIELDS,
    put: true,
    entity: "Visitor",
    apply: crate::world::World::update::<crate::visitors::Visitor>,
};

/// The shared path of every POST and PUT: admit, read JSON, check fields, apply, answer.
fn write(sim: &Shared, headers: &HeaderMap, body: &Bytes, kind: &WriteKind) -> Response {
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
    if entity == "FailedCheckin" && !put && !st.world.switches.failed_checkins_writable {
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

fn delete_checkin(sim: &Shared, headers: &HeaderMap, id: &str) -> Response {
    let mut st = sim.lock();
    let caller = match admit(&mut st, headers, "Checkin-Delete", true) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let now = st.now();
    match record_id(id).and_then(|id| st.world.checkins.remove(&id)) {
        Some(c) => envelope("Checkin", "deleted", c.id, &caller.email, now),
        None => message(StatusCode::NOT_FOUND, "Checkin not found"),
    }
}
