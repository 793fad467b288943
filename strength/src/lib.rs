//! How strong a password is, by zxcvbn: the verdict as plain types the browser and the server
//! share, the estimator itself (feature `estimator`), and the web worker that runs it in the
//! browser (feature `worker`) so that the login page never downloads its dictionaries.

use serde::{Deserialize, Serialize};

/// The lowest zxcvbn score the password policy accepts ("Good").
pub const MIN_SCORE: u8 = 3;

/// zxcvbn's verdict: a score from 0 to 4 with its feedback, as stable codes that the
/// translation layer turns into words.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strength {
    pub score: u8,
    pub warning: Option<Warning>,
    pub suggestions: Vec<Suggestion>,
}

impl Strength {
    pub fn is_acceptable(&self) -> bool {
        self.score >= MIN_SCORE
    }
}

/// zxcvbn's warnings, one for one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Warning {
    StraightRowsOfKeys,
    ShortKeyboardPatterns,
    RepeatsLikeAaa,
    RepeatsLikeAbcAbc,
    Top10Password,
    Top100Password,
    CommonPassword,
    SimilarToCommonPassword,
    SequencesLikeAbc,
    RecentYears,
    WordByItself,
    Dates,
    NamesByThemselves,
    CommonNames,
}

impl Warning {
    /// Every warning: the page is sent the text of each, as the meter may show any of them.
    pub const ALL: [Warning; 14] = [
        Warning::StraightRowsOfKeys,
        Warning::ShortKeyboardPatterns,
        Warning::RepeatsLikeAaa,
        Warning::RepeatsLikeAbcAbc,
        Warning::Top10Password,
        Warning::Top100Password,
        Warning::CommonPassword,
        Warning::SimilarToCommonPassword,
        Warning::SequencesLikeAbc,
        Warning::RecentYears,
        Warning::WordByItself,
        Warning::Dates,
        Warning::NamesByThemselves,
        Warning::CommonNames,
    ];
}

/// zxcvbn's suggestions, one for one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Suggestion {
    UseAFewWords,
    NoNeedForSymbols,
    AddAnotherWord,
    CapitalizationDoesntHelp,
    AllUppercase,
    ReversedWords,
    PredictableSubstitutions,
    LongerKeyboardPattern,
    AvoidRepeats,
    AvoidSequences,
    AvoidRecentYears,
    AvoidYearsAssociatedWithYou,
    AvoidDatesAssociatedWithYou,
}

impl Suggestion {
    /// Every suggestion, for the same reason as [`Warning::ALL`].
    pub const ALL: [Suggestion; 13] = [
        Suggestion::UseAFewWords,
        Suggestion::NoNeedForSymbols,
        Suggestion::AddAnotherWord,
        Suggestion::CapitalizationDoesntHelp,
        Suggestion::AllUppercase,
        Suggestion::ReversedWords,
        Suggestion::PredictableSubstitutions,
        Suggestion::LongerKeyboardPattern,
        Suggestion::AvoidRepeats,
        Suggestion::AvoidSequences,
        Suggestion::AvoidRecentYears,
        Suggestion::AvoidYearsAssociatedWithYou,
        Suggestion::AvoidDatesAssociatedWithYou,
    ];
}

/// What the page asks the worker: score `password`, knowing the person's name, email and
/// tenant (`user_inputs`). `seq` lets the page drop answers to keystrokes it has moved past.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Request {
    pub seq: u32,
    pub password: String,
    pub user_inputs: Vec<String>,
}

/// The worker's answer, with the time scoring took in milliseconds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Answer {
    pub seq: u32,
    pub strength: Strength,
    pub millis: f64,
}

/// The message the worker posts once it is ready for requests.
pub const READY: &str = "ready";

#[cfg(feature = "estimator")]
mod estimator;
#[cfg(feature = "estimator")]
pub use estimator::estimate;

#[cfg(all(feature = "worker", target_arch = "wasm32"))]
mod worker;
