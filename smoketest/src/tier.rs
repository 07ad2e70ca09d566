//! Which tests a run includes.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Which tests a run includes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// Tests not marked `slow`: cheap enough for monitoring to run every few minutes.
    #[default]
    Fast,
    /// All tests, `slow` ones included: for after a deploy.
    Slow,
}

impl Tier {
    /// `"fast"` or `"slow"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Fast => "fast",
            Tier::Slow => "slow",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
