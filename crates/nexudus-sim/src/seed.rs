//! Seeded demo data: the same seed gives the same locations, teams and members.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use crate::records::{Business, Contract, Coworker, SimpleTimeZone, Team};

const FIRST_NAMES: &[&str] = &[
    "Ana",
    "José",
    "Zoë",
    "Siobhán",
    "Björn",
    "Chloé",
    "Łukasz",
    "Mohammed",
    "Aisha",
    "Wei",
    "Hiroshi",
    "Priya",
    "Olúwaseun",
    "Søren",
    "Renée",
    "Ángel",
    "Maria",
    "Maria",
    "John",
    "John",
    "Sarah",
    "Sarah",
    "David",
    "Emma",
    "Liam",
    "Noah",
    "Olivia",
    "Fatima",
    "Nguyễn Thị",
    "Mateo",
    "Élodie",
    "Jürgen",
    "Ingrid",
    "Kwame",
    "Dmitri",
    "Yasmin",
    "Tomás",
    "Agnieszka",
    "Carlos",
    "Sofía",
    "Amélie",
    "Niamh",
    "Raphaël",
    "Jean-Baptiste",
    "Anne-Marie",
    "Oğuz",
    "Çağla",
    "Ravi",
    "Mei",
    "Lars",
    "Eva",
    "Ben",
    "Lucía",
    "Ömer",
    "Zsófia",
    "Ilse",
    "Kai",
    "Ines",
    "Theo",
    "Nora",
];

const LAST_NAMES: &[&str] = &[
    "García",
    "Smith",
    "Müller",
    "O'Brien",
    "Nakamura",
    "Kowalski",
    "Dubois",
    "Rossi",
    "Silva",
    "Johansson",
    "Ng",
    "Patel",
    "Okafor",
    "Fernández",
    "van der Berg",
    "MacLeod",
    "Ó Súilleabháin",
    "Schröder",
    "Lefèvre",
    "Nowak",
    "Ivanova",
    "Yılmaz",
    "Haddad",
    "Kim",
    "Chen",
    "Andersen",
    "Brown",
    "Wilson",
    "Taylor",
    "Martin",
    "Moreau",
    "Costa",
    "Novák",
    "Szabó",
    "Bianchi",
    "Hansen",
    "de la Cruz",
    "Lindqvist",
    "Łukasiewicz",
    "Ahmed",
    "Wright",
    "Ødegaard",
    "Jiménez",
    "Zhang",
];

const LONG_NAMES: &[&str] = &[
    "María del Carmen Fernández de la Vega-Santiago",
    "Maximilian Alexander von Hohenzollern-Sigmaringen",
    "Oluwadamilare Adebayo-Ogunlesi Williams",
    "Anna-Katharina Schmidt-Leutheusser-Bergström",
];

const COMPANIES: &[&str] = &[
    "Acme Studio",
    "Brightwave Labs",
    "Café Numérique",
    "Nordlys Design",
    "Kōhī Ventures",
    "Greenleaf & Co",
    "Pixel Foundry",
    "Atelier Lumière",
    "Blue Harbour Legal",
    "Datenwerk GmbH",
    "Sol y Sombra",
    "Quantum Quill",
    "Hearth Collective",
    "Øresund Analytics",
    "Mapleleaf Media",
];

pub(crate) const PLANS: &[&str] = &[
    "Hot Desk",
    "Dedicated Desk",
    "Private Office",
    "Virtual Office",
    "10-Day Pass",
    "Night Owl",
];

const TEAMS: &[&str] = &[
    "Acme Studio",
    "Brightwave Labs",
    "Founders Circle",
    "Design Guild",
    "Remote Crew",
    "Night Shift",
];

/// The account's time zones: Windows names, as Nexudus lists them. Four are in use by the
/// seeded locations (one south of the equator, where summer time runs October to April); the
/// others are there so a kiosk must pick the right one.
pub fn simple_time_zones() -> Vec<SimpleTimeZone> {
    use windows_timezones::WindowsTimezone as W;
    [
        (3, W::GmtStandardTime),
        (5, W::WEuropeStandardTime),
        (7, W::EasternStandardTime),
        (9, W::PacificStandardTime),
        (11, W::AusEasternStandardTime),
        (13, W::TokyoStandardTime),
        (15, W::Utc),
    ]
    .into_iter()
    .map(|(id, zone)| {
        let tz: Tz = zone.tzdb_id().parse().expect("CLDR names IANA zones");
        // The standard offset: January in the north, July in the south.
        let standard = [(2025, 1), (2025, 7)]
            .map(|(y, m)| {
                tz.with_ymd_and_hms(y, m, 15, 12, 0, 0)
                    .unwrap()
                    .offset()
                    .fix()
                    .local_minus_utc()
            })
            .into_iter()
            .min()
            .unwrap();
        let summer = [(2025, 1), (2025, 7)].iter().any(|(y, m)| {
            tz.with_ymd_and_hms(*y, *m, 15, 12, 0, 0)
                .unwrap()
                .offset()
                .fix()
                .local_minus_utc()
                != standard
        });
        SimpleTimeZone {
            id,
            name: zone.name().into(),
            description: zone.description().into(),
            time_offset: format!(
                "{}{:02}:{:02}",
                if standard < 0 { '-' } else { '+' },
                standard.abs() / 3600,
                standard.abs() % 3600 / 60
            ),
            uses_summer_time: summer,
        }
    })
    .collect()
}

/// The seeded locations: different time zones, on purpose (Lisbon shares London's Windows zone);
/// Lisbon and Sydney sell pay-as-you-go passes, the others refuse a customer without a plan.
pub fn businesses(zones: &[SimpleTimeZone]) -> Vec<Business> {
    let place = |id, name: &str, windows: &str, iana: &str, payg| {
        (
            id,
            name.to_owned(),
            windows.to_owned(),
            iana.to_owned(),
            payg,
        )
    };
    [
        place(
            1001,
            "Shoreditch Hub",
            "GMT Standard Time",
            "Europe/London",
            false,
        ),
        place(
            1002,
            "Lisbon Docks",
            "GMT Standard Time",
            "Europe/Lisbon",
            true,
        ),
        place(
            1003,
            "Brooklyn Loft",
            "Eastern Standard Time",
            "America/New_York",
            false,
        ),
        place(
            1004,
            "Sydney Wharf",
            "AUS Eastern Standard Time",
            "Australia/Sydney",
            true,
        ),
    ]
    .into_iter()
    .map(|(id, name, windows, iana, payg)| Business {
        payg,
        // Nexudus's default is not documented; half an hour after the kiosk's default 23:00, so
        // the two rules meet in the scenarios.
        cut_off: chrono::NaiveTime::from_hms_opt(23, 30, 0).expect("a time of day"),
        id,
        name,
        simple_time_zone_id: zones
            .iter()
            .find(|z| z.name == windows)
            .expect("a seeded zone")
            .id,
        time_zone: iana.parse().expect("an IANA zone"),
    })
    .collect()
}

pub fn teams() -> Vec<Team> {
    TEAMS
        .iter()
        .zip(2001..)
        .map(|(name, id)| Team {
            id,
            name: (*name).into(),
        })
        .collect()
}

/// A stable instant the seeded `UpdatedOn` values lie before, so they are the same on every run
/// and always in the past.
fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
}

fn email_local(name: &str) -> String {
    let folded: String = name
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'Á' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ı' | 'ễ' | 'ị' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'Ó' | 'Ø' | 'Ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' | 'Ç' => 'c',
            'ñ' => 'n',
            'ł' | 'Ł' => 'l',
            'ğ' => 'g',
            'ş' => 's',
            other => other,
        })
        .collect();
    folded
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '.' })
        .collect::<String>()
        .split('.')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

/// `count` members for `seed`. About 10% have no plan, 7% are inactive, a third have a PIN and a
/// quarter a card; PINs and card numbers are unique.
pub fn coworkers(
    count: usize,
    seed: u64,
    businesses: &[Business],
    teams: &[Team],
) -> Vec<Coworker> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut pins = HashSet::new();
    let mut cards = HashSet::new();
    let mut out = Vec::with_capacity(count);
    // "Unique 5-digit codes that we automatically assign to every customer" [doc: help.nexudus.com,
    // Managing Customer Pin Codes], leading zeros and all; six for a space too large for five
    // to stay unique and hard to guess [infer].
    let (pin_space, pin_width) = if count <= 40_000 {
        (100_000, 5)
    } else {
        (1_000_000, 6)
    };
    for index in 0..count {
        let id = 100_001 + index as i64;
        let full_name = seeded_name(&mut rng);
        let company = rng
            .random_bool(0.6)
            .then(|| (*COMPANIES.choose(&mut rng).unwrap()).to_owned());
        let coworker_type = if company.is_some() && rng.random_ratio(1, 10) {
            2
        } else {
            1
        };
        let (home, member_of) = seeded_locations(&mut rng, businesses);
        let team_ids = if rng.random_ratio(1, 3) {
            vec![teams.choose(&mut rng).unwrap().id]
        } else {
            vec![]
        };
        let access_pincode = rng.random_ratio(1, 3).then(|| {
            unique(&mut pins, || {
                format!("{:0pin_width$}", rng.random_range(0..pin_space))
            })
        });
        let access_card_id = rng.random_ratio(1, 4).then(|| {
            unique(&mut cards, || {
                format!("{:010}", rng.random_range(1_000_000_000u64..10_000_000_000))
            })
        });
        let updated_on = epoch() - Duration::minutes(rng.random_range(0..90 * 24 * 60));
        let created_on = updated_on - Duration::days(rng.random_range(0..700));
        out.push(Coworker {
            id,
            unique_id: uuid::Builder::from_random_bytes(rng.random()).into_uuid(),
            email: format!("{}.{id}@example.com", email_local(&full_name)),
            full_name,
            company_name: company,
            active: !rng.random_ratio(7, 100),
            coworker_type,
            tariff_name: (!rng.random_ratio(1, 10))
                .then(|| (*PLANS.choose(&mut rng).unwrap()).to_owned()),
            invoicing_business_id: home,
            teams: team_ids,
            businesses: member_of,
            access_pincode,
            access_card_id,
            profile_is_public: rng.random_bool(0.8),
            archived: false,
            created_on,
            updated_on,
        });
    }
    out
}

/// A member's name: now and then one of the long ones a tile must fit.
fn seeded_name(rng: &mut StdRng) -> String {
    if rng.random_ratio(1, 60) {
        (*LONG_NAMES.choose(rng).unwrap()).to_owned()
    } else {
        format!(
            "{} {}",
            FIRST_NAMES.choose(rng).unwrap(),
            LAST_NAMES.choose(rng).unwrap()
        )
    }
}

/// A member's home location, and one in five a member of a second one too.
fn seeded_locations(rng: &mut StdRng, businesses: &[Business]) -> (i64, Vec<i64>) {
    let home = businesses.choose(rng).unwrap().id;
    let mut member_of = vec![home];
    if rng.random_ratio(1, 5) {
        let other = businesses.choose(rng).unwrap().id;
        if other != home {
            member_of.push(other);
        }
    }
    (home, member_of)
}

/// A value `draw` makes that no member has yet (PINs and card numbers are unique).
fn unique(taken: &mut HashSet<String>, mut draw: impl FnMut() -> String) -> String {
    loop {
        let value = draw();
        if taken.insert(value.clone()) {
            return value;
        }
    }
}

/// The members' contracts, from the plans the seed gave them: one active contract per plan
/// (every fifth member with a plan has a second one), and for every third member without a
/// plan a cancelled contract, so "no plan" is not simply "no contract".
pub fn contracts(coworkers: &[&Coworker]) -> Vec<Contract> {
    let mut out = Vec::new();
    let mut id = 3_000_001;
    let mut push = |c: &Coworker, plan: &str, active: bool| {
        let tariff = PLANS.iter().position(|p| *p == plan).unwrap_or_default() as i64;
        out.push(Contract {
            id,
            coworker_id: c.id,
            tariff_id: 41_000 + tariff,
            tariff_name: plan.to_owned(),
            start_date: c.created_on,
            active,
            cancelled: !active,
            cancellation_date: (!active).then_some(c.updated_on),
            updated_on: c.updated_on,
        });
        id += 1;
    };
    for (i, c) in coworkers.iter().enumerate() {
        match &c.tariff_name {
            Some(plan) => {
                push(c, plan, true);
                if i % 5 == 0 {
                    push(c, PLANS[(i / 5) % PLANS.len()], true);
                }
            }
            None if i % 3 == 0 => push(c, PLANS[0], false),
            None => {}
        }
    }
    out
}

/// Passes of the customers without a plan, five kinds in turn by Id: a bundle of ten day
/// passes bought as a product with three used (seven left), one day pass that expired
/// yesterday, two day passes both used last week, and none (twice).
pub fn passes(
    coworkers: &[&Coworker],
    kinds: &[crate::passes::TimePass],
    now: DateTime<Utc>,
) -> Vec<crate::passes::CoworkerTimePass> {
    use crate::passes::CoworkerTimePass;
    let Some(day_pass) = kinds.iter().find(|k| k.minutes_included.is_none()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut id = 92_000_001;
    let mut push = |c: &Coworker, used: Option<DateTime<Utc>>, expires, product: Option<&str>| {
        // Seeded ids, so the same seed gives the same passes (their UniqueIds included).
        let unique_id =
            uuid::Uuid::from_u128(0x9a55_0000_0000_0000_0000_0000_0000_0000 + id as u128);
        out.push(CoworkerTimePass {
            id,
            unique_id,
            coworker_id: c.id,
            business_id: c.invoicing_business_id,
            time_pass_id: day_pass.id,
            time_pass_name: day_pass.name.clone(),
            used: used.is_some(),
            used_date: used,
            price: Some(day_pass.price),
            expire_date: expires,
            is_from_tariff: false,
            coworker_product_unique_id: product.map(str::to_owned),
            notes: None,
            created_on: c.created_on,
            updated_on: used.unwrap_or(c.created_on),
            updated_by: "admin@demo.nexudus-sim.local".to_owned(),
        });
        id += 1;
    };
    let without_plan = coworkers.iter().filter(|c| c.tariff_name.is_none());
    for (k, c) in without_plan.enumerate() {
        match k % 5 {
            0 => {
                let bundle = format!("bundle-{}", c.id);
                let expires = Some(now + Duration::days(90));
                for used in 0..10 {
                    let when = (used < 3).then(|| now - Duration::days(10 - used));
                    push(c, when, expires, Some(&bundle));
                }
            }
            1 => push(c, None, Some(now - Duration::days(1)), None),
            2 => {
                for days in [8, 7] {
                    push(c, Some(now - Duration::days(days)), None, None);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_members() {
        let (b, t) = (businesses(&simple_time_zones()), teams());
        assert_eq!(coworkers(300, 7, &b, &t), coworkers(300, 7, &b, &t));
        assert_ne!(coworkers(300, 7, &b, &t), coworkers(300, 8, &b, &t));
    }

    #[test]
    fn members_are_varied_as_a_real_space() {
        let (b, t) = (businesses(&simple_time_zones()), teams());
        let members = coworkers(2000, 1, &b, &t);
        let share = |f: &dyn Fn(&Coworker) -> bool| {
            members.iter().filter(|m| f(m)).count() * 100 / members.len()
        };
        assert!((3..=12).contains(&share(&|m| !m.active)), "some inactive");
        assert!(
            (5..=15).contains(&share(&|m| m.tariff_name.is_none())),
            "some without a plan"
        );
        assert!(
            share(&|m| m.access_pincode.is_some()) >= 25,
            "many with a PIN"
        );
        assert!(
            share(&|m| m.access_card_id.is_some()) >= 15,
            "some with a card"
        );
        assert!(
            members.iter().any(|m| m.full_name.chars().count() > 40),
            "long names exist"
        );
        assert!(
            members.iter().any(|m| !m.full_name.is_ascii()),
            "accented names exist"
        );
        let pins: HashSet<_> = members
            .iter()
            .filter_map(|m| m.access_pincode.as_ref())
            .collect();
        assert_eq!(
            pins.len(),
            members
                .iter()
                .filter(|m| m.access_pincode.is_some())
                .count(),
            "PINs are unique"
        );
        assert!(
            members
                .iter()
                .all(|m| m.email.is_ascii() && m.email.contains('@'))
        );
    }

    #[test]
    fn a_hundred_thousand_members_are_quick_to_make() {
        let (b, t) = (businesses(&simple_time_zones()), teams());
        assert_eq!(coworkers(100_000, 3, &b, &t).len(), 100_000);
    }
}
