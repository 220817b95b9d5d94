//! The in-memory member index behind the grid and search-as-you-type.
//!
//! Search is a scan of folded names: at 100,000 members a substring scan is well under the 2 ms
//! budget, needs no index maintenance, and finds mid-word matches that a prefix index would miss.

use crate::domain::fold::fold;
use crate::domain::model::Member;

#[derive(Debug, Clone)]
struct Entry {
    id: i64,
    full_name: String,
    /// What tells two members of one name apart: the company, else the first team.
    detail: Option<String>,
    /// The plan's name: what tells namesakes apart where neither has a company or a team.
    plan: Option<String>,
    /// Folded "full name company".
    folded: String,
    /// Folded full name, the sort key.
    sort_key: String,
    active: bool,
    /// Belongs to the kiosk's location.
    local: bool,
}

/// A member as the grid and search list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed<'a> {
    pub id: i64,
    pub name: &'a str,
    /// The company, else the first team: what tells two members of one name apart.
    pub detail: Option<&'a str>,
    /// The plan's name, for namesakes with no company or team ([`crate::domain::views::tell_namesakes_apart`]).
    pub plan: Option<&'a str>,
    /// Active and of this location: a tap checks them in here.
    pub here: bool,
}

impl Entry {
    fn listed(&self) -> Listed<'_> {
        Listed {
            id: self.id,
            name: &self.full_name,
            detail: self.detail.as_deref(),
            plan: self.plan.as_deref(),
            here: self.active && self.local,
        }
    }
}

/// Members in name order, with what search and the grid need.
#[derive(Debug, Clone, Default)]
pub struct MemberIndex {
    entries: Vec<Entry>,
    /// Every entry's folded text, in order, joined by newlines: one buffer that a SIMD substring
    /// search sweeps in well under a millisecond at 100,000 members.
    haystack: String,
    /// Where each entry starts in `haystack`.
    starts: Vec<usize>,
    /// For each byte, the entries (in name order) with a word starting with it: where every
    /// word-start match of a term beginning with that byte is.
    by_initial: Vec<Vec<u32>>,
    /// The same for the first two bytes of a word, for terms of two bytes.
    by_prefix: std::collections::HashMap<[u8; 2], Vec<u32>>,
    /// And for the first three, for longer terms: a term that rarely starts a word ("son")
    /// then checks only the words that start with it, not every word sharing two letters.
    by_prefix3: std::collections::HashMap<[u8; 3], Vec<u32>>,
}

impl Entry {
    /// A member as the index keeps them: the folded name and company searched, the detail a
    /// tile shows (the company, or else the first team's name).
    fn of(
        m: &Member,
        location: Option<i64>,
        teams: &std::collections::HashMap<i64, String>,
    ) -> Self {
        let mut text = m.full_name.clone();
        if let Some(c) = &m.company {
            text.push(' ');
            text.push_str(c);
        }
        let detail = m
            .company
            .clone()
            .filter(|c| !c.trim().is_empty())
            .or_else(|| m.teams.iter().find_map(|t| teams.get(t).cloned()));
        Entry {
            id: m.id,
            full_name: m.full_name.clone(),
            detail,
            plan: m.plan.clone().filter(|p| !p.trim().is_empty()),
            folded: fold(&text),
            sort_key: fold(&m.full_name),
            active: m.active,
            local: location.is_some_and(|l| m.belongs_to(l)),
        }
    }
}

/// The entries whose words start with each letter, each two letters and each three.
struct WordStarts {
    initial: Vec<Vec<u32>>,
    prefix2: std::collections::HashMap<[u8; 2], Vec<u32>>,
    prefix3: std::collections::HashMap<[u8; 3], Vec<u32>>,
}

impl WordStarts {
    fn of(entries: &[Entry]) -> Self {
        let mut by_initial = vec![Vec::new(); 256];
        let mut by_prefix: std::collections::HashMap<[u8; 2], Vec<u32>> =
            std::collections::HashMap::new();
        let mut by_prefix3: std::collections::HashMap<[u8; 3], Vec<u32>> =
            std::collections::HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            let mut seen = [false; 256];
            let mut seen2 = Vec::new();
            let mut seen3 = Vec::new();
            let bytes = e.folded.as_bytes();
            for (p, &b) in bytes.iter().enumerate() {
                let starts_word = p == 0 || !bytes[p - 1].is_ascii_alphanumeric();
                if !starts_word {
                    continue;
                }
                if !seen[usize::from(b)] {
                    seen[usize::from(b)] = true;
                    by_initial[usize::from(b)].push(i as u32);
                }
                if let Some(&next) = bytes.get(p + 1)
                    && !seen2.contains(&[b, next])
                {
                    seen2.push([b, next]);
                    by_prefix.entry([b, next]).or_default().push(i as u32);
                }
                if let [_, next, third, ..] = bytes[p..]
                    && !seen3.contains(&[b, next, third])
                {
                    seen3.push([b, next, third]);
                    by_prefix3
                        .entry([b, next, third])
                        .or_default()
                        .push(i as u32);
                }
            }
        }
        Self {
            initial: by_initial,
            prefix2: by_prefix,
            prefix3: by_prefix3,
        }
    }
}

impl MemberIndex {
    pub fn build(members: &[Member], location: Option<i64>) -> Self {
        Self::build_with_teams(members, location, &std::collections::HashMap::new())
    }

    /// [`MemberIndex::build`], with the names of the account's teams for the tiles' detail.
    pub fn build_with_teams(
        members: &[Member],
        location: Option<i64>,
        teams: &std::collections::HashMap<i64, String>,
    ) -> Self {
        let mut entries: Vec<Entry> = members
            .iter()
            .map(|m| Entry::of(m, location, teams))
            .collect();
        entries.sort_by(|a, b| a.sort_key.cmp(&b.sort_key).then(a.id.cmp(&b.id)));
        let mut haystack = String::with_capacity(entries.iter().map(|e| e.folded.len() + 1).sum());
        let mut starts = Vec::with_capacity(entries.len());
        for e in &entries {
            starts.push(haystack.len());
            haystack.push_str(&e.folded);
            haystack.push('\n');
        }
        let words = WordStarts::of(&entries);
        Self {
            entries,
            haystack,
            starts,
            by_initial: words.initial,
            by_prefix: words.prefix2,
            by_prefix3: words.prefix3,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The grid: active members of the location, in name order.
    pub fn grid(&self) -> Vec<Listed<'_>> {
        self.entries
            .iter()
            .filter(|e| e.active && e.local)
            .map(Entry::listed)
            .collect()
    }

    /// Members whose name or company contains every word of the query (folded), best first:
    /// matches at the start of a word before mid-word ones, members of this location before
    /// others, then by name. At most `limit`.
    ///
    /// One pass in name order into four rank buckets, each capped at `limit`; the pass stops as
    /// soon as the best bucket is full, since nothing later can outrank it. So a one-letter
    /// query that matches everyone costs about as little as a rare one.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Listed<'_>> {
        let terms: Vec<String> = fold(query).split_whitespace().map(str::to_owned).collect();
        if terms.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut buckets: [Vec<usize>; 4] = Default::default();
        let finders: Vec<memchr::memmem::Finder<'_>> = terms
            .iter()
            .map(|t| memchr::memmem::Finder::new(t.as_bytes()))
            .collect();
        let rank_of = |i: usize| -> Option<usize> {
            let e = &self.entries[i];
            let mut at_word_start = true;
            for f in &finders {
                at_word_start &= word_match(&e.folded, f)?;
            }
            Some(usize::from(!at_word_start) * 2 + usize::from(!e.local))
        };
        // First the entries where every term can start a word: those with a word beginning with
        // the longest term's first byte. In name order, so the best bucket fills early.
        let longest = finders
            .iter()
            .max_by_key(|f| f.needle().len())
            .expect("at least one term");
        let needle = longest.needle();
        let candidates: &[u32] = match needle {
            [a, b, c, ..] => self
                .by_prefix3
                .get(&[*a, *b, *c])
                .map_or(&[], Vec::as_slice),
            [a, b] => self.by_prefix.get(&[*a, *b]).map_or(&[], Vec::as_slice),
            [a] => &self.by_initial[usize::from(*a)],
            [] => &[],
        };
        for &i in candidates {
            let i = i as usize;
            if let Some(rank @ (0 | 1)) = rank_of(i)
                && buckets[rank].len() < limit
            {
                buckets[rank].push(i);
            }
            if buckets[0].len() >= limit {
                break;
            }
        }
        // Then, only if word-start matches are too few, the mid-word ones: sweep the haystack,
        // jumping from match to match, one entry at a time.
        if buckets[0].len() + buckets[1].len() < limit {
            let bytes = self.haystack.as_bytes();
            let (mut from, mut i) = (0, 0);
            while let Some(found) = longest.find(&bytes[from..]) {
                let pos = from + found;
                while i + 1 < self.starts.len() && self.starts[i + 1] <= pos {
                    i += 1;
                }
                from = self.starts.get(i + 1).copied().unwrap_or(bytes.len());
                if let Some(rank @ (2 | 3)) = rank_of(i)
                    && buckets[rank].len() < limit
                {
                    buckets[rank].push(i);
                }
                if buckets[0].len() + buckets[1].len() + buckets[2].len() >= limit {
                    break;
                }
            }
        }
        buckets
            .iter()
            .flatten()
            .take(limit)
            .map(|&i| self.entries[i].listed())
            .collect()
    }
}

/// Where `term` occurs in `text`: `None` if nowhere, `Some(true)` if somewhere at the start of a
/// word, `Some(false)` if only inside words.
fn word_match(text: &str, term: &memchr::memmem::Finder<'_>) -> Option<bool> {
    let mut found = false;
    for pos in term.find_iter(text.as_bytes()) {
        found = true;
        let starts_word = text[..pos]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        if starts_word {
            return Some(true);
        }
    }
    found.then_some(false)
}

#[cfg(test)]
mod tests;
