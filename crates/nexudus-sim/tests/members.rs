//! Members on the wire: list answers are projections, and a PIN is found with the documented
//! filter, contained or whole as the switch says.

mod common;

use common::Wire;
use nexudus_sim::Switches;
use serde_json::Value;

/// The record of member `id` in a list page.
fn listed(page: &Value, id: i64) -> Value {
    page["Records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["Id"] == id)
        .expect("the member is listed")
        .clone()
}

fn ids(page: &Value) -> Vec<i64> {
    page["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_list_answer_leaves_out_the_pin_and_by_default_the_company_and_type() {
    let w = Wire::quiet(60).await;
    let member = w
        .sim
        .coworkers()
        .into_iter()
        .find(|c| c.access_pincode.is_some() && c.company_name.is_some())
        .expect("a seeded member with a PIN and a company");
    let (_, page) = w.get("/api/spaces/coworkers?size=1000").await;
    let record = listed(&page, member.id);
    for field in ["AccessPincode", "CompanyName", "CoworkerType"] {
        assert!(record[field].is_null(), "{field} is not in a list answer");
    }
    let (_, one) = w.get(&format!("/api/spaces/coworkers/{}", member.id)).await;
    assert_eq!(
        one["AccessPincode"].as_str(),
        member.access_pincode.as_deref(),
        "the one-record read has the PIN"
    );

    w.sim.set_switches(Switches {
        list_has_company: true,
        ..Switches::default()
    });
    let (_, page) = w.get("/api/spaces/coworkers?size=1000").await;
    let record = listed(&page, member.id);
    assert_eq!(
        record["CompanyName"].as_str(),
        member.company_name.as_deref()
    );
    assert!(
        record["AccessPincode"].is_null(),
        "never a PIN in a list, whichever way"
    );
}

#[tokio::test]
async fn a_pin_filter_finds_every_pin_containing_it_unless_filters_match_whole_values() {
    let w = Wire::quiet(300).await;
    let members = w.sim.coworkers();
    let pin = members
        .iter()
        .find_map(|c| c.access_pincode.clone())
        .expect("a seeded PIN");
    let part = &pin[1..3];
    let containing: Vec<i64> = members
        .iter()
        .filter(|c| {
            c.access_pincode
                .as_deref()
                .is_some_and(|p| p.contains(part))
        })
        .map(|c| c.id)
        .collect();
    assert!(containing.len() > 1, "the seed has PINs sharing two digits");
    let (_, page) = w
        .get(&format!(
            "/api/spaces/coworkers?size=1000&Coworker_AccessPincode={part}"
        ))
        .await;
    assert_eq!(ids(&page), containing, "by default a filter is 'contains'");

    w.sim.set_switches(Switches {
        exact_string_filters: true,
        ..Switches::default()
    });
    let (_, page) = w
        .get(&format!(
            "/api/spaces/coworkers?size=1000&Coworker_AccessPincode={part}"
        ))
        .await;
    assert!(ids(&page).is_empty(), "no PIN is two digits long");
    let (_, page) = w
        .get(&format!(
            "/api/spaces/coworkers?size=1000&Coworker_AccessPincode={pin}"
        ))
        .await;
    let whole: Vec<i64> = members
        .iter()
        .filter(|c| c.access_pincode.as_deref() == Some(pin.as_str()))
        .map(|c| c.id)
        .collect();
    assert_eq!(ids(&page), whole, "the whole PIN finds its member");
}
