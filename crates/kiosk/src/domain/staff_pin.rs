//! The staff PIN, kept as an argon2 hash. Wrong tries: [`crate::domain::attempts::STAFF_PIN`].

use crate::error::{Invalid, KioskError};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Hashes a PIN with argon2id and a random salt.
pub fn hash(pin: &str) -> Result<String, KioskError> {
    let failed = |e: argon2::password_hash::Error| KioskError::PinHash(e.to_string());
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(failed)?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(failed)
}

pub fn matches(pin: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(pin.as_bytes(), &h)
            .is_ok()
    })
}

/// A staff PIN must be 4 to 12 digits.
pub fn validate(pin: &str) -> Result<(), Invalid> {
    if (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Invalid::new("staff_pin", "a staff PIN is 4 to 12 digits"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_stored_only_as_a_slow_salted_hash() {
        let h = hash("2468").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains("2468"));
        assert!(matches("2468", &h) && !matches("2469", &h));
        assert_ne!(
            hash("2468").unwrap(),
            h,
            "salted: the same PIN hashes differently"
        );
    }

    #[test]
    fn pins_are_digits() {
        assert!(validate("1234").is_ok());
        assert!(validate("12a4").is_err() && validate("123").is_err());
    }
}
