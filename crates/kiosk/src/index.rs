//! The in-memory member index behind the grid and search-as-you-type.
//!
//! Search is a scan of folded names: at 100,000 members a substring scan is well under the 2 ms
//! budget, needs no index maintenance, and finds mid-word matches that a prefix index would miss.

use crate::fold::fold;
use crate::model::Member;

#[derive(Debug, Clone)]
struct Entry {
    id: i64,
    full_name: String,
    /// Folded "full name company".
    folded: String,
    /// Byte offsets where words start in `folded`.
    word_starts: Vec<usize>,
    /// Folded full name, the sort key.
    sort_key: String,
    active: bool,
    /// Belongs to the kiosk's location.
    local: bool,
}

/// Members in name order, with what search and the grid need.
#[derive(Debug, Clone, Default)]
pub struct MemberIndex {
    entries: Vec<Entry>,
}

impl MemberIndex {
    pub fn build(members: &[Member], location: Option<i64>) -> Self {
        let mut entries: Vec<Entry> = members
            .iter()
            .map(|m| {
                let mut text = m.full_name.clone();
                if let Some(c) = &m.company {
                    text.push(' ');
                    text.push_str(c);
                }
                let folded = fold(&text);
                let word_starts = std::iter::once(0)
                    .chain(
                        folded
                            .char_indices()
                            .filter(|(_, c)| !c.is_alphanumeric())
                            .map(|(i, c)| i + c.len_utf8()),
                    )
                    .collect();
                Entry {
                    id: m.id,
                    full_name: m.full_name.clone(),
                    folded,
                    word_starts,
                    sort_key: fold(&m.full_name),
                    active: m.active,
                    local: location.is_some_and(|l| m.belongs_to(l)),
                }
            })
            .collect();
        entries.sort_by(|a, b| a.sort_key.cmp(&b.sort_key).then(a.id.cmp(&b.id)));
        Self { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The grid: active members of the location, in name order, as (Id, full name).
    pub fn grid(&self) -> Vec<(i64, &str)> {
        self.entries
            .iter()
            .filter(|e| e.active && e.local)
            .map(|e| (e.id, e.full_name.as_str()))
            .collect()
    }

    /// The full name of a member in the index.
    pub fn name(&self, id: i64) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.full_name.as_str())
    }

    /// Members whose name or company contains every word of the query (folded), best first:
    /// matches at the start of a word before mid-word ones, members of this location before
    /// others, then by name. At most `limit`, as (Id, full name).
    pub fn search(&self, query: &str, limit: usize) -> Vec<(i64, &str)> {
        let terms: Vec<String> = fold(query).split_whitespace().map(str::to_owned).collect();
        if terms.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<(u8, usize)> = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            let mut at_word_start = true;
            let all = terms.iter().all(|t| {
                let Some(pos) = e.folded.find(t.as_str()) else {
                    return false;
                };
                if !e.word_starts.contains(&pos)
                    && !e
                        .folded
                        .match_indices(t.as_str())
                        .any(|(p, _)| e.word_starts.contains(&p))
                {
                    at_word_start = false;
                }
                true
            });
            if all {
                let rank = u8::from(!at_word_start) * 2 + u8::from(!e.local);
                hits.push((rank, i));
            }
        }
        // Stable on name order within a rank.
        hits.sort_by_key(|(rank, i)| (*rank, *i));
        hits.into_iter()
            .take(limit)
            .map(|(_, i)| (self.entries[i].id, self.entries[i].full_name.as_str()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
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

    fn ids(hits: Vec<(i64, &str)>) -> Vec<i64> {
        hits.into_iter().map(|(id, _)| id).collect()
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
}
