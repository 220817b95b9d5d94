//! Folding text for search: lower case, accents off (`José` -> `jose`, `Łukasz` -> `lukasz`);
//! and text from outside made safe to show (`printable`).

/// The folded form of `text`, for case- and accent-insensitive matching.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text).to_lowercase()
}

/// `text` as a screen or a terminal may show it: no control characters (so no terminal
/// escapes), trimmed, at most `most` characters.
pub fn printable(text: &str, most: usize) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(most)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// How many letters and digits `text` has, folded: what a search counts before it runs.
pub fn letters(text: &str) -> usize {
    fold(text).chars().filter(|c| c.is_alphanumeric()).count()
}

/// Whether every word of `query` starts a word of `text`, folded ("lu fern" finds "Lucía
/// Fernández"; "cia" does not).
pub fn words_start_with(text: &str, query: &str) -> bool {
    let words: Vec<String> = fold(text).split_whitespace().map(str::to_owned).collect();
    let terms: Vec<String> = fold(query).split_whitespace().map(str::to_owned).collect();
    !terms.is_empty()
        && terms
            .iter()
            .all(|t| words.iter().any(|w| w.starts_with(t.as_str())))
}

/// Initials of a name: the first letter of the first and the last word (`Ana de la Cruz` -> `AC`).
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let first = |w: &str| {
        w.chars()
            .next()
            .map(|c| c.to_uppercase().collect::<String>())
            .unwrap_or_default()
    };
    match words.as_slice() {
        [] => String::new(),
        [only] => first(only),
        [head, .., last] => format!("{}{}", first(head), first(last)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_fold_away() {
        assert_eq!(fold("José Łukasiewicz"), "jose lukasiewicz");
        assert_eq!(fold("ZOË Ødegaard"), "zoe odegaard");
        assert_eq!(fold("Nguyễn Thị"), "nguyen thi");
    }

    #[test]
    fn a_name_is_found_by_the_start_of_its_words_only() {
        assert!(words_start_with("Lucía Fernández", "lu fern"));
        assert!(words_start_with("Lucía Fernández", "FERNANDEZ"));
        assert!(!words_start_with("Lucía Fernández", "cia"));
        assert!(!words_start_with("Lucía Fernández", "  "));
    }

    #[test]
    fn initials_take_first_and_last_word() {
        assert_eq!(initials("Ana de la Cruz"), "AC");
        assert_eq!(initials("Zoë"), "Z");
        assert_eq!(initials("  "), "");
        assert_eq!(initials("élodie moreau"), "ÉM");
    }
}
