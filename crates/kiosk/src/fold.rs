//! Folding text for search: lower case, accents off (`José` -> `jose`, `Łukasz` -> `lukasz`).

/// The folded form of `text`, for case- and accent-insensitive matching.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text).to_lowercase()
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
    fn initials_take_first_and_last_word() {
        assert_eq!(initials("Ana de la Cruz"), "AC");
        assert_eq!(initials("Zoë"), "Z");
        assert_eq!(initials("  "), "");
        assert_eq!(initials("élodie moreau"), "ÉM");
    }
}
