//! Pure rules, no I/O: the calendar, deadlines, routing, intake validation.

/// A closed set of names stored as text and serialized in snake_case.
macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and serialized name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            /// Parses a stored or submitted name.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }

            /// The accepted names, for error messages.
            pub fn names() -> String {
                [$($s),+].join(", ")
            }
        }
    };
}

pub mod access;
pub mod attributes;
pub mod calendar;
pub mod case;
pub mod catalog;
pub mod deadline;
pub mod elections;
pub mod holidays;
pub mod intake;
pub mod links;
pub mod lunar;
pub mod privacy;
pub mod routing;
pub mod sampling;
pub mod scorecard;
pub mod status;
pub mod validation;
