use super::*;

fn m(id: i64, name: &str, company: Option<&str>, home: i64) -> Member {
    Member {
        id,
        full_name: name.into(),
        company: company.map(Into::into),
        active: true,
        plan: Some("Hot Desk".into()),
        home_location: Some(home),
        locations: vec![],
        teams: vec![],
        pin_hash: None,
        card_hash: None,
        updated_on: None,
    }
}

fn ids(hits: Vec<Listed<'_>>) -> Vec<i64> {
    hits.into_iter().map(|l| l.id).collect()
}

fn index() -> MemberIndex {
    MemberIndex::build(
        &[
            m(1, "José García", Some("Acme Studio"), 10),
            m(2, "Zoë Ødegaard", None, 10),
            m(3, "Maria Jose Costa", None, 20),
            m(4, "Anna Josefsson", None, 10),
            Member {
                active: false,
                ..m(5, "Joseph Inactive", None, 10)
            },
        ],
        Some(10),
    )
}

#[test]
fn search_is_case_and_accent_insensitive_on_any_word_and_the_company() {
    let ix = index();
    assert_eq!(ids(ix.search("ZOE", 10)), vec![2]);
    assert_eq!(ids(ix.search("odeg", 10)), vec![2], "Ø folds to o");
    assert_eq!(ids(ix.search("acme", 10)), vec![1], "the company counts");
    assert_eq!(
        ids(ix.search("garc jos", 10)),
        vec![1],
        "every word must match, in any order"
    );
    assert!(ix.search("   ", 10).is_empty());
}

#[test]
fn word_starts_and_local_members_rank_first() {
    let ix = index();
    // "jos" starts a word for all four; by name (Anna, José, Joseph), the other location last.
    assert_eq!(ids(ix.search("jos", 10)), vec![4, 1, 5, 3]);
    // "sef": only mid-word.
    assert_eq!(ids(ix.search("sef", 10)), vec![4]);
    assert_eq!(ix.search("jos", 2).len(), 2, "limited");
}

#[test]
fn the_grid_shows_active_local_members_in_name_order() {
    assert_eq!(
        ids(index().grid()),
        vec![4, 1, 2],
        "Anna, José, Zoë; not the inactive, not the other location"
    );
}

#[test]
fn members_of_one_name_are_told_apart_by_company_else_first_team() {
    let teams = std::collections::HashMap::from([(7, "Design Guild".to_owned())]);
    let ix = MemberIndex::build_with_teams(
        &[
            m(1, "Maria Silva", Some("Acme Studio"), 10),
            Member {
                teams: vec![9, 7],
                ..m(2, "Maria Silva", None, 10)
            },
            m(3, "Maria Silva", Some("  "), 20),
        ],
        Some(10),
        &teams,
    );
    let found = ix.search("maria silva", 10);
    let details: Vec<(i64, Option<&str>, bool)> =
        found.iter().map(|l| (l.id, l.detail, l.here)).collect();
    assert_eq!(
        details,
        vec![
            (1, Some("Acme Studio"), true),
            (2, Some("Design Guild"), true),
            (3, None, false),
        ],
        "a blank company is none; an unknown team is skipped; the third is elsewhere"
    );
}

/// The plain definition of the ranking, to check the fast one against.
fn naive(members: &[Member], location: i64, query: &str, limit: usize) -> Vec<i64> {
    let terms: Vec<String> = fold(query).split_whitespace().map(str::to_owned).collect();
    let mut ranked: Vec<(usize, String, i64)> = members
        .iter()
        .filter_map(|m| {
            let text = fold(&format!(
                "{} {}",
                m.full_name,
                m.company.clone().unwrap_or_default()
            ));
            let text = text.trim_end().to_owned();
            let mut word_start = true;
            for t in &terms {
                let hits: Vec<usize> = text.match_indices(t.as_str()).map(|(p, _)| p).collect();
                if hits.is_empty() {
                    return None;
                }
                word_start &= hits.iter().any(|&p| {
                    text[..p]
                        .chars()
                        .next_back()
                        .is_none_or(|c| !c.is_alphanumeric())
                });
            }
            let rank = usize::from(!word_start) * 2 + usize::from(!m.belongs_to(location));
            Some((rank, fold(&m.full_name), m.id))
        })
        .collect();
    ranked.sort();
    ranked
        .into_iter()
        .take(limit)
        .map(|(_, _, id)| id)
        .collect()
}

#[test]
fn the_fast_search_ranks_exactly_as_the_plain_definition() {
    let first = [
        "Ana", "José", "Zoë", "Søren", "Emma", "Eli", "Mar", "Ines", "Jo",
    ];
    let last = [
        "Andersen",
        "Johansson",
        "Wilson",
        "García",
        "Ødegaard",
        "de la Cruz",
        "Mason",
        "Esposito",
    ];
    let companies = [None, Some("Son & Co"), Some("Estudio Mar")];
    let members: Vec<Member> = (0..400)
        .map(|i| Member {
            company: companies[i % 3].map(Into::into),
            ..m(
                i as i64,
                &format!("{} {}", first[i % 9], last[(i / 9) % 8]),
                None,
                [10, 20][i % 2],
            )
        })
        .collect();
    let ix = MemberIndex::build(&members, Some(10));
    for q in [
        "e", "son", "mar", "jo", "de la", "ode", "a", "co", "es", "n", "zz", "ma e",
    ] {
        for limit in [1, 7, 50, 500] {
            assert_eq!(
                ids(ix.search(q, limit)),
                naive(&members, 10, q, limit),
                "query {q:?}, limit {limit}"
            );
        }
    }
}
