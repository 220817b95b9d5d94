//! Enumerations Nexudus sends as numbers (`eCheckinSource`, `VisitorSource`...): one macro
//! gives each its codes both ways and its JSON form. A number this client does not know is kept
//! as `Other(n)`, so a record read and written back loses nothing; a null reads as the default.

/// `coded!(Type { Variant = code, ... })` for an enum with a `Default` and an `Other(i64)`.
macro_rules! coded {
    ($ty:ident { $($variant:ident = $code:literal),* $(,)? }) => {
        impl $ty {
            pub fn code(self) -> i64 {
                match self {
                    $(Self::$variant => $code,)*
                    Self::Other(code) => code,
                }
            }

            pub fn from_code(code: i64) -> Self {
                match code {
                    $($code => Self::$variant,)*
                    other => Self::Other(other),
                }
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // A null (an older record) reads as the default.
                Ok(<Option<i64> as serde::Deserialize>::deserialize(d)?.map_or_else(Self::default, Self::from_code))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::model::Source;
    use crate::visitors::{HostApproval, VisitorSource};

    #[test]
    fn a_known_code_reads_as_its_name_an_unknown_one_is_kept_and_a_null_is_the_default() {
        let read = |json: &str| serde_json::from_str::<Source>(json).unwrap();
        assert_eq!(read("4"), Source::Tile);
        assert_eq!(read("9"), Source::Other(9));
        assert_eq!(
            serde_json::to_string(&Source::Other(9)).unwrap(),
            "9",
            "written back as read"
        );
        assert_eq!(read("null"), Source::None);
        assert_eq!(
            serde_json::from_str::<VisitorSource>("null").unwrap(),
            VisitorSource::NexIo
        );
        assert_eq!(HostApproval::from_code(3), HostApproval::Rejected);
        assert_eq!(HostApproval::AcceptedAndGrant.code(), 5);
    }
}
