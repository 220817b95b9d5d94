//! Which role each call needs (docs/nexudus-api.md). Nexudus answers a missing role with the
//! same 401 as a bad token and does not name the role: the client names it from here.

use reqwest::Method;

/// Every role the kiosk's account needs, as the contract lists them.
pub const KIOSK_ROLES: &[&str] = &[
    "Coworker-List",
    "Coworker-Read",
    "CoworkerContract-List",
    // Passes: members without a plan who come on a day pass or a bundle (issue 24).
    "CoworkerTimePass-List",
    "Checkin-List",
    "Checkin-Read",
    "Checkin-Create",
    "Checkin-Edit",
    // Only for "Not you? Undo" (a check-in taken back is deleted); without it the rest works.
    "Checkin-Delete",
    "FailedCheckin-List",
    "FailedCheckin-Read",
    "FailedCheckin-Create",
    "FailedCheckin-Edit",
    "Business-List",
    "Business-Read",
    "SimpleTimeZone-List",
    "Team-List",
    "Visitor-List",
    "Visitor-Read",
    "Visitor-Create",
    "Visitor-Edit",
];

/// The role the call `method path` needs (`Entity-Action`), if the path is one of the contract's.
pub fn role_for(method: &Method, path: &str) -> Option<String> {
    // `GET /api/spaces/coworkers/?id=[..]` (the trailing slash) reads whole records.
    let batch = path.ends_with('/');
    let path = path.trim_end_matches('/');
    let (collection, one) = match path.rsplit_once('/') {
        Some((head, tail)) if tail.chars().all(|c| c.is_ascii_digit()) && !tail.is_empty() => {
            (head, true)
        }
        _ => (path, batch),
    };
    let entity = match collection {
        "/api/spaces/coworkers" => "Coworker",
        "/api/spaces/checkins" => "Checkin",
        "/api/spaces/failedcheckins" => "FailedCheckin",
        "/api/spaces/visitors" => "Visitor",
        "/api/spaces/teams" => "Team",
        "/api/sys/businesses" => "Business",
        "/api/sys/simpletimezones" => "SimpleTimeZone",
        "/api/billing/coworkercontracts" => "CoworkerContract",
        "/api/billing/coworkertimepasses" => "CoworkerTimePass",
        _ => return None,
    };
    let action = match (method.as_str(), one) {
        ("GET", false) => "List",
        ("GET", true) => "Read",
        ("POST", _) => "Create",
        ("PUT", _) => "Edit",
        ("DELETE", _) => "Delete",
        _ => return None,
    };
    Some(format!("{entity}-{action}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_call_of_the_contract_names_its_role() {
        let table = [
            (Method::GET, "/api/spaces/coworkers", Some("Coworker-List")),
            (
                Method::GET,
                "/api/spaces/coworkers/100001",
                Some("Coworker-Read"),
            ),
            (Method::POST, "/api/spaces/checkins", Some("Checkin-Create")),
            (Method::PUT, "/api/spaces/checkins", Some("Checkin-Edit")),
            (Method::GET, "/api/spaces/checkins/7", Some("Checkin-Read")),
            (
                Method::GET,
                "/api/spaces/failedcheckins",
                Some("FailedCheckin-List"),
            ),
            (Method::GET, "/api/sys/businesses", Some("Business-List")),
            (
                Method::GET,
                "/api/billing/coworkercontracts",
                Some("CoworkerContract-List"),
            ),
            (Method::GET, "/api/elsewhere", None),
        ];
        for (method, path, role) in table {
            assert_eq!(role_for(&method, path).as_deref(), role, "{method} {path}");
            if let Some(role) = role {
                assert!(
                    KIOSK_ROLES.contains(&role),
                    "{role} is among the roles the kiosk asks for"
                );
            }
        }
    }
}
